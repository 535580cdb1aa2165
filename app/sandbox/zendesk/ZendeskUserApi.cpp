#include "ZendeskUserApi.h"

#include "ZendeskCollectionPaging.h"
#include "common/SandboxHttp.h"

namespace patchbay::sandbox {

namespace {

QString withoutJsonSuffix(const QString &path)
{
    return path.endsWith(QLatin1String(".json")) ? path.chopped(5) : path;
}

} // namespace

bool ZendeskUserApi::serves(const QString &rawPath)
{
    const QString path = withoutJsonSuffix(rawPath);
    return path == QLatin1String("/api/v2/users") || path.startsWith(QLatin1String("/api/v2/users/")) ||
           path == QLatin1String("/api/v2/incremental/users/cursor");
}

HttpServerResponse ZendeskUserApi::handle(const HttpServerRequest &request, const QString &rawPath,
                                          const QDateTime &now) const
{
    const QString path = withoutJsonSuffix(rawPath);
    const ZendeskCollectionPaging users(
        QStringLiteral("users"), m_account.users(),
        [this](const SandboxRecord &user) { return m_account.userJson(user, m_apiBase); }, m_apiBase);
    if (request.method != "GET")
        return ZendeskCollectionPaging::error(405, QStringLiteral("MethodNotAllowed"),
                                              QStringLiteral("This emulator only reads users"));
    if (path == QLatin1String("/api/v2/users"))
        return users.list(request);
    if (path == QLatin1String("/api/v2/incremental/users/cursor"))
        return users.incremental(request, now, m_exportPolicy);
    const SandboxRecord *user = m_account.users().find(path.mid(14));
    if (!user)
        return ZendeskCollectionPaging::error(404, QStringLiteral("RecordNotFound"), QStringLiteral("Not found"));
    return SandboxHttp::json(QJsonObject{{QStringLiteral("user"), m_account.userJson(*user, m_apiBase)}});
}

} // namespace patchbay::sandbox
