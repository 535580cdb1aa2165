#pragma once

#include <QDateTime>
#include <QString>

namespace patchbay {

// What a support person is told about a connection's access token.
enum class TokenState { Valid, Expiring, Expired, NeedsReauth, Unknown };

QString tokenStateName(TokenState state);

// expiring = within the refresh margin of its expiry
TokenState tokenStateFor(const QDateTime &expiresAt, bool needsReauth, const QDateTime &now);

} // namespace patchbay
