#pragma once

#include "MappingTree.h"
#include "core/Result.h"
#include "jsonata/Expression.h"

#include <vector>

namespace patchbay {

// A mapping ready to run: every field's expression compiled once, evaluated per record. Evaluation is
// const and thread-safe.
class CompiledMapping
{
public:
    struct Output
    {
        jsonata::Value value;       // the product record (fields whose expression gave nothing are left out)
        QList<MappingIssue> errors; // per field; empty when the record mapped cleanly
    };

    struct FieldResult
    {
        QString field;
        QString expression;
        jsonata::Value value; // undefined when the expression gave nothing or failed
        std::optional<MappingIssue> error;
    };

    // Fails with code "mapping.invalid" listing every field that does not compile.
    static Result<CompiledMapping> compile(const MappingTree &tree);

    Output evaluate(const jsonata::Value &input, const jsonata::EvalLimits &limits) const;
    // Field by field, for a preview.
    QList<FieldResult> evaluateFields(const jsonata::Value &input, const jsonata::EvalLimits &limits) const;

    QStringList fields() const;
    bool isEmpty() const { return m_root.children.empty(); }

private:
    struct Node
    {
        std::string key;
        QString field; // dotted path, for errors
        std::optional<jsonata::Expression> expression;
        std::vector<Node> children;
    };

    static void build(const MappingTree &tree, const QString &prefix, Node &into);
    static jsonata::Value evaluateNode(const Node &node, const jsonata::Value &input, const jsonata::EvalLimits &limits,
                                       QList<MappingIssue> &errors);
    static void collect(const Node &node, const jsonata::Value &input, const jsonata::EvalLimits &limits,
                        QList<FieldResult> &results);

    Node m_root;
};

} // namespace patchbay
