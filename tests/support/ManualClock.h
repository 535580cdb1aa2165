#pragma once

#include "core/Clock.h"

namespace patchbay::test {

// A clock that stands still until someone sleeps on it, then jumps ahead by exactly that much. Shared by the engine
// and an emulator, it makes rate-limit windows deterministic: only the engine's waits move time.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(const QDateTime &start = QDateTime::currentDateTimeUtc()) : m_now(start.toUTC()) {}

    QDateTime now() const override { return m_now; }
    void sleep(std::chrono::milliseconds duration) override
    {
        m_slept += duration;
        m_now = m_now.addMSecs(duration.count());
    }
    void advance(std::chrono::milliseconds duration) { m_now = m_now.addMSecs(duration.count()); }
    void setNow(const QDateTime &now) { m_now = now.toUTC(); }
    std::chrono::milliseconds slept() const { return m_slept; }

private:
    QDateTime m_now;
    std::chrono::milliseconds m_slept{0};
};

} // namespace patchbay::test
