#pragma once

#include "core/Clock.h"

#include <QList>

namespace patchbay::test {

// A clock that advances instantly when asked to sleep, recording every wait.
class FakeClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc().addMSecs(m_advancedMs); }
    void sleep(std::chrono::milliseconds duration) override
    {
        m_sleeps.append(duration.count());
        m_advancedMs += duration.count();
    }
    const QList<qint64> &sleeps() const { return m_sleeps; }

private:
    qint64 m_advancedMs = 0;
    QList<qint64> m_sleeps;
};

} // namespace patchbay::test
