#pragma once

#include "PendingCalls.h"

#include <QObject>

namespace patchbay {

// True when no model under root waits for an ops answer any more: wait for it with QTRY_VERIFY after an action,
// since answers arrive later than the action that asked.
inline bool allAnswered(const QObject &root)
{
    const auto calls = root.findChildren<PendingCalls *>();
    return std::all_of(calls.begin(), calls.end(), [](const PendingCalls *pending) { return pending->isEmpty(); });
}

} // namespace patchbay
