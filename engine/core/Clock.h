#pragma once

#include <QDateTime>

#include <chrono>

namespace patchbay {

// Time source for the engine, so tests can drive expiry and backoff without sleeping.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
    virtual void sleep(std::chrono::milliseconds duration) = 0;
};

class SystemClock final : public Clock
{
public:
    QDateTime now() const override;
    void sleep(std::chrono::milliseconds duration) override;

    static SystemClock &instance();
};

} // namespace patchbay
