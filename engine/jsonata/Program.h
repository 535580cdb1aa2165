#pragma once

#include "Node.h"

#include <memory>
#include <string>
#include <vector>

namespace patchbay::jsonata {

// A compiled expression: the arena owning every AST node plus the root. Shared (read-only) by the Expression and
// by any lambda value created from it, so such a lambda stays valid even if it outlives its Expression.
class Program
{
public:
    Node *newNode(NodeType type, int position)
    {
        m_nodes.push_back(std::make_unique<Node>());
        Node *n = m_nodes.back().get();
        n->type = type;
        n->position = position;
        return n;
    }

    Node *m_root = nullptr;
    std::string m_source;

private:
    std::vector<std::unique_ptr<Node>> m_nodes;
};

} // namespace patchbay::jsonata
