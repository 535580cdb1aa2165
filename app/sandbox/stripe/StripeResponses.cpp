#include "StripeResponses.h"

#include "common/SandboxHttp.h"

namespace patchbay::sandbox::StripeResponses {

HttpServerResponse json(const QJsonObject &body, int status)
{
    return SandboxHttp::json(body, status);
}

HttpServerResponse error(int status, const QString &message, const QString &code, const QString &param,
                         const QString &type)
{
    QJsonObject error{{QStringLiteral("type"), type}, {QStringLiteral("message"), message}};
    if (!code.isEmpty()) {
        error.insert(QStringLiteral("code"), code);
        error.insert(QStringLiteral("doc_url"), QStringLiteral("https://stripe.com/docs/error-codes/") +
                                                    QString(code).replace(QLatin1Char('_'), QLatin1Char('-')));
    }
    if (!param.isEmpty())
        error.insert(QStringLiteral("param"), param);
    return json({{QStringLiteral("error"), error}}, status);
}

HttpServerResponse noSuch(const QString &noun, const QString &id, const QString &param)
{
    return error(404, QStringLiteral("No such %1: '%2'").arg(noun, id), QStringLiteral("resource_missing"), param);
}

HttpServerResponse unknownParameter(const QString &name)
{
    return error(400, QStringLiteral("Received unknown parameter: %1").arg(name), QStringLiteral("parameter_unknown"),
                 name);
}

QString maskedKey(const QString &key)
{
    const qsizetype prefix = key.indexOf(QLatin1Char('_'), key.indexOf(QLatin1Char('_')) + 1) + 1;
    const qsizetype visible = key.size() - prefix > 8 ? 4 : 0;
    return key.left(prefix) + QString(key.size() - prefix - visible, QLatin1Char('*')) + key.right(visible);
}

} // namespace patchbay::sandbox::StripeResponses
