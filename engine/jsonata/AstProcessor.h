#pragma once

#include "Program.h"

#include <memory>
#include <vector>

namespace patchbay::jsonata {

// Rewrites the raw parse tree into the evaluable tree: flattens '.' chains into path steps, attaches predicates,
// grouping, sorting, focus (@) and index (#) bindings to their steps, resolves parent (%) references to the step
// whose context they name, and marks calls in tail position for the trampoline. Throws Error (S02xx).
class AstProcessor
{
public:
    explicit AstProcessor(Program &program) : m_program(program) {}
    Node *process(Node *raw);
    // Precomputes evaluation shortcuts once the whole tree is processed.
    void finalize(Node *node);

private:
    Node *processPathOperator(Node *raw);
    Node *processPredicate(Node *raw);
    Node *processGroup(Node *raw);
    Node *processSort(Node *raw);
    Node *processFocus(Node *raw);
    Node *processIndex(Node *raw);
    Node *wrapInPath(Node *step);
    Node *tailCallOptimize(Node *body);

    std::shared_ptr<AncestorSlot> seekParent(Node *node, std::shared_ptr<AncestorSlot> slot);
    void pushAncestry(Node *result, Node *value);
    void resolveAncestry(Node *path);

    Program &m_program;
    int m_ancestorLabel = 0;
    int m_ancestorIndex = 0;
    std::vector<Node *> m_ancestry;
};

} // namespace patchbay::jsonata
