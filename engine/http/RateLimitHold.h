#pragma once

#include <QMutex>
#include <QString>

#include <memory>
#include <optional>

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
        std::optional<qint64> quota;         // the window's calls, when the provider said (for RateLimit fields)
        std::optional<qint64> windowSeconds; // its length, when known
    };
    // Holds calls until until.ms (a later hold wins over an earlier one).
    void holdUntil(const Until &until);
    Until until() const;

private:
    mutable QMutex m_mutex;
    Until m_until;
};

} // namespace patchbay
