#pragma once

#include "HttpTypes.h"
#include "core/SecretBytes.h"

#include <QList>

namespace patchbay {

// Removes secrets from what is recorded: credential headers, secret-named fields in JSON and form
// bodies and query strings, and any occurrence of a known secret value anywhere.
class Redactor
{
public:
    static inline const QByteArray kMask = QByteArrayLiteral("[redacted]");

    void addSecret(const SecretBytes &secret);
    void clearSecrets() { m_secrets.clear(); }

    Exchange redact(const HttpRequest &request, const HttpResponse &response) const;

    HeaderList redactHeaders(const HeaderList &headers) const;
    QByteArray redactBody(const QByteArray &body) const;
    QString redactUrl(const QUrl &url) const;
    QByteArray redactText(QByteArray text) const; // known secret values only

    static bool isSecretName(QStringView name);

private:
    QList<SecretBytes> m_secrets;
};

} // namespace patchbay
