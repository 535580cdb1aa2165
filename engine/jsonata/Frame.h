#pragma once

#include "Value.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace patchbay::jsonata {

// A scope of variable bindings. Lambdas keep their defining frame alive; the evaluation that created frames
// clears them when it ends, which breaks the frame -> closure -> frame cycles that recursion creates.
class Frame : public std::enable_shared_from_this<Frame>
{
public:
    explicit Frame(Frame *parent) : m_parent(parent ? parent->shared_from_this() : nullptr) {}

    void bind(std::string_view name, Value value)
    {
        for (auto &entry : m_vars) {
            if (entry.first == name) {
                entry.second = std::move(value);
                return;
            }
        }
        m_vars.emplace_back(std::string(name), std::move(value));
    }

    const Value *lookup(std::string_view name) const
    {
        for (const Frame *f = this; f; f = f->m_parent.get()) {
            for (const auto &entry : f->m_vars) {
                if (entry.first == name)
                    return &entry.second;
            }
        }
        return nullptr;
    }

    void clear()
    {
        m_vars.clear();
        m_parent.reset();
    }

private:
    std::shared_ptr<Frame> m_parent;
    std::vector<std::pair<std::string, Value>> m_vars;
};

} // namespace patchbay::jsonata
