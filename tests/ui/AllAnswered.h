#pragma once

#include "PendingCalls.h"

#include <QObject>
#include <QTest>

#include <algorithm>

namespace patchbay {

// Answers arrive later than the action that asked for them: tests wait for them with these (polling every 10 ms,
// where QTRY_* would poll every 50).

// Until no model under root waits for an ops answer any more; false after the timeout.
inline bool allAnswered(const QObject &root, int timeoutMs = 5000)
{
    return QTest::qWaitFor(
        [&root] {
            const auto calls = root.findChildren<PendingCalls *>();
            return std::all_of(calls.begin(), calls.end(), [](const PendingCalls *pending) { return pending->isEmpty(); });
        },
        timeoutMs);
}

// Until the model has every answer it asked for; false after the timeout.
template <typename Model>
bool loaded(const Model &model, int timeoutMs = 5000)
{
    return QTest::qWaitFor([&model] { return !model.isLoading(); }, timeoutMs);
}

} // namespace patchbay
