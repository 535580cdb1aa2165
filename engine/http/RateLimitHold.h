#pragma once

#include <QMutex>
#include <QString>

#include <memory>

namespace patchbay {

// A provider's window that reported (almost) no calls left: until it resets, no call of its scope may go out.
// The scope is the account the window counts (a definition's window key) or one connection; every execution in
// the process with the same scope shares one hold, so a second connection of a portal does not spend what the
// first was just told is gone.
class RateLimitHold
{
public:
    // The hold of one scope and window header, created on first use.
    static std::shared_ptr<RateLimitHold> shared(const QString &scope, const QString &header);

    struct Until
    {
        qint64 ms = 0;  // epoch ms before which no call may go out (0: none)
        QString reason; // what the provider said, for the Event
    };
    // Holds calls until untilMs (a later hold wins over an earlier one).
    void holdUntil(qint64 untilMs, const QString &reason);
    Until until() const;

private:
    mutable QMutex m_mutex;
    Until m_until;
};

} // namespace patchbay
