#include "GrantConcerns.h"

#include <QRegularExpression>

namespace patchbay {

QStringList grantConcerns(const ProviderDefinition &definition, const Credential &granted)
{
    QStringList concerns;
    const AuthSpec &auth = definition.auth;
    if (auth.type != QLatin1String("oauth2") || auth.grant != QLatin1String("authorization_code"))
        return concerns;
    // An access token that never expires needs no refresh token (GitHub OAuth apps).
    if (granted.refreshToken.isEmpty() && granted.expiresAt.isValid()) {
        concerns.append(QStringLiteral("%1 granted no refresh token: the connection works until its access token "
                                       "expires at %2, then needs authorising again. Ask for offline access (the "
                                       "offline_access scope, or prompt=consent in the definition's authorizeParams).")
                            .arg(definition.displayName, granted.expiresAt.toUTC().toString(Qt::ISODate)));
    }
    // RFC 6749 5.1: a token response without scope granted what was asked for. Servers separate scopes by spaces,
    // some by commas, whatever the authorize URL used.
    if (!granted.scope.isEmpty()) {
        static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
        const QStringList given = granted.scope.split(separators, Qt::SkipEmptyParts);
        // The scopes that ask for a refresh token are granted by one, and often left out of the scope (Microsoft).
        static const QStringList offlineScopes{QStringLiteral("offline_access"), QStringLiteral("refresh_token")};
        QStringList missing;
        for (const QString &scope : auth.scopes) {
            if (!given.contains(scope) && !(offlineScopes.contains(scope) && !granted.refreshToken.isEmpty()))
                missing.append(scope);
        }
        if (!missing.isEmpty()) {
            concerns.append(QStringLiteral("%1 granted fewer scopes than asked for; missing: %2. Requests that "
                                           "need them will be refused until the connection is authorised with them.")
                                .arg(definition.displayName, missing.join(QStringLiteral(", "))));
        }
    }
    return concerns;
}

} // namespace patchbay
