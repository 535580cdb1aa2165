#include "EvaluationBudget.h"

#include "Error.h"
#include "ErrorText.h"
#include "Expression.h"

#include <algorithm>
#include <limits>

namespace patchbay::jsonata {

EvaluationBudget::EvaluationBudget(const EvalLimits &limits) : m_previous(t_current)
{
    if (limits.timeoutMs > 0) {
        m_hasDeadline = true;
        m_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limits.timeoutMs);
    }
    if (limits.maxMemoryMb > 0)
        m_maxBytes = std::size_t(limits.maxMemoryMb) << 20;
    t_current = this;
}

EvaluationBudget::~EvaluationBudget()
{
    t_current = m_previous;
}

void EvaluationBudget::timeExceeded()
{
    throw Error{"U1001", 0, "Evaluation stopped: the time limit was exceeded", {}};
}

void EvaluationBudget::memoryExceeded()
{
    throw Error{"U1002", 0, ErrorText::message("U1002"), {}};
}

void EvaluationBudget::checkClock()
{
    m_countdown = kUnitsPerClockRead;
    if (m_hasDeadline && std::chrono::steady_clock::now() > m_deadline)
        timeExceeded();
}

void EvaluationBudget::account(const Value &value)
{
    if (EvaluationBudget *budget = t_current)
        budget->charge(value);
}

void EvaluationBudget::chargeFresh(const Value &value, int depth)
{
    // Charged payloads are not walked again, so each is visited about once.
    HeapItem *item = const_cast<HeapItem *>(value.heap());
    if (!isFresh(*item))
        return;
    const std::size_t bytes = value.footprint();
    item->m_charged = std::uint32_t(std::min<std::size_t>(bytes, std::numeric_limits<std::uint32_t>::max()));
    m_usedBytes += item->m_charged;
    if (m_usedBytes > m_maxBytes)
        memoryExceeded();
    if (depth >= kMaxValueDepth)
        return;
    if (value.isArray()) {
        for (const Value &member : value.asArray().m_items) {
            if (member.type() >= Value::Type::String)
                chargeFresh(member, depth + 1);
        }
    } else if (value.isObject()) {
        for (const auto &entry : value.asObject().entries()) {
            if (entry.second.type() >= Value::Type::String)
                chargeFresh(entry.second, depth + 1);
        }
    }
}

} // namespace patchbay::jsonata
