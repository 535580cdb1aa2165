#pragma once

#include "Value.h"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace patchbay::jsonata {

struct EvalLimits;

// What one evaluation may still spend. Time: work is counted in units (an evaluation step, an item copied or
// compared) and the clock is read only every few thousand units, so hot loops make no clock calls. Memory: the
// payloads of the values the evaluation builds (strings, arrays, objects, closures) are charged while they are
// alive and refunded when they are freed; input documents and compiled literals are not charged.
//
// The evaluation installs its budget for the calling thread, so value walks, built-ins and formatters charge it
// without being handed the evaluator. Exceeding the time limit throws U1001, the memory limit U1002.
class EvaluationBudget
{
public:
    explicit EvaluationBudget(const EvalLimits &limits);
    ~EvaluationBudget();
    EvaluationBudget(const EvaluationBudget &) = delete;
    EvaluationBudget &operator=(const EvaluationBudget &) = delete;

    void spend(std::size_t units)
    {
        m_countdown -= std::int64_t(units);
        if (m_countdown <= 0)
            checkClock();
    }
    bool limitsMemory() const { return m_maxBytes > 0; }
    // Charges a value just built (and the values inside it that nothing else holds and nobody charged yet).
    void charge(const Value &value)
    {
        if (m_maxBytes > 0 && value.type() >= Value::Type::String && isFresh(*value.heap()))
            chargeFresh(value, 0);
    }
    // Charges memory that stays taken until the evaluation ends.
    void chargeRetained(std::size_t bytes)
    {
        if (m_maxBytes == 0)
            return;
        m_usedBytes += bytes;
        if (m_usedBytes > m_maxBytes)
            memoryExceeded();
    }
    // Refuses to build something of 'bytes' that would not fit into what is left.
    void reserve(std::size_t bytes)
    {
        if (m_maxBytes > 0 && m_usedBytes + bytes > m_maxBytes)
            memoryExceeded();
    }

    // Refuses a value that would be larger than the whole limit (a result as written out, say).
    void checkSize(std::size_t bytes)
    {
        if (m_maxBytes > 0 && bytes > m_maxBytes)
            memoryExceeded();
    }

    // The same for code without an evaluator at hand; they do nothing outside an evaluation.
    static void work(std::size_t units)
    {
        if (EvaluationBudget *budget = t_current)
            budget->spend(units);
    }
    static void ensureRoom(std::size_t bytes)
    {
        if (EvaluationBudget *budget = t_current)
            budget->reserve(bytes);
    }
    static void account(const Value &value);
    // A charged payload was freed (on whatever thread frees it; outside an evaluation nothing is counted).
    static void refund(std::uint32_t bytes)
    {
        if (EvaluationBudget *budget = t_current)
            budget->m_usedBytes = bytes > budget->m_usedBytes ? 0 : budget->m_usedBytes - bytes;
    }

    [[noreturn]] static void timeExceeded();
    [[noreturn]] static void memoryExceeded();

private:
    // Held by this evaluation alone and not charged yet; a shared payload is the input's, a literal's, or was
    // charged when it was built.
    static bool isFresh(const HeapItem &item)
    {
        return item.m_charged == 0 && item.m_refs.load(std::memory_order_relaxed) == 1;
    }
    void checkClock();
    void chargeFresh(const Value &value, int depth);

    // Units between clock reads: an evaluation step costs 64, so the clock is read every 256 steps or every
    // 16,384 items copied, compared or visited.
    static constexpr std::int64_t kUnitsPerClockRead = 1 << 14;

    inline static thread_local EvaluationBudget *t_current = nullptr;
    EvaluationBudget *m_previous = nullptr;
    std::int64_t m_countdown = kUnitsPerClockRead;
    bool m_hasDeadline = false;
    std::chrono::steady_clock::time_point m_deadline;
    std::size_t m_maxBytes = 0;
    std::size_t m_usedBytes = 0;
};

} // namespace patchbay::jsonata
