#include "TokenState.h"

namespace patchbay {

namespace {
constexpr qint64 kExpiringMarginSecs = 5 * 60;
}

QString tokenStateName(TokenState state)
{
    switch (state) {
    case TokenState::Valid: return QStringLiteral("valid");
    case TokenState::Expiring: return QStringLiteral("expiring");
    case TokenState::Expired: return QStringLiteral("expired");
    case TokenState::NeedsReauth: return QStringLiteral("needs re-auth");
    case TokenState::Unknown: break;
    }
    return QStringLiteral("unknown");
}

TokenState tokenStateFor(const QDateTime &expiresAt, bool needsReauth, const QDateTime &now)
{
    if (needsReauth)
        return TokenState::NeedsReauth;
    if (!expiresAt.isValid())
        return TokenState::Unknown;
    const qint64 left = now.secsTo(expiresAt);
    if (left <= 0)
        return TokenState::Expired;
    if (left <= kExpiringMarginSecs)
        return TokenState::Expiring;
    return TokenState::Valid;
}

} // namespace patchbay
