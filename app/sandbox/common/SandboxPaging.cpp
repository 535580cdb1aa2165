#include "SandboxPaging.h"

#include <QUrlQuery>

namespace patchbay::sandbox {

QByteArray SandboxPaging::linkHeader(const Links &links)
{
    QByteArrayList parts;
    for (const auto &[rel, url] : links)
        parts.append('<' + url.toEncoded() + ">; rel=\"" + rel.toLatin1() + '"');
    return parts.join(", ");
}

QUrl SandboxPaging::withQuery(const QUrl &url, const QList<QPair<QString, QString>> &items)
{
    QUrlQuery query(url);
    QList<QPair<QString, QString>> kept = query.queryItems(QUrl::FullyEncoded);
    for (const auto &[name, value] : items) {
        const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(value));
        const auto it = std::find_if(kept.begin(), kept.end(), [&](const auto &item) { return item.first == name; });
        if (it == kept.end())
            kept.append({name, encoded});
        else
            it->second = encoded;
    }
    query.setQueryItems(kept);
    QUrl result = url;
    result.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return result;
}

QUrl SandboxPaging::requestUrl(const QString &apiBase, const QString &path, const QUrl &request)
{
    QUrl url(apiBase + path);
    url.setQuery(request.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

SandboxPaging::Links SandboxPaging::pageNumberLinks(const QUrl &url, int page, int perPage, int total, bool withFirst)
{
    const int lastPage = std::max(1, (total + perPage - 1) / perPage);
    const auto at = [&](int number) { return withQuery(url, {{QStringLiteral("page"), QString::number(number)}}); };
    Links links;
    if (page < lastPage)
        links.append({QStringLiteral("next"), at(page + 1)});
    if (page > 1)
        links.append({QStringLiteral("prev"), at(std::min(page - 1, lastPage))});
    if (page < lastPage)
        links.append({QStringLiteral("last"), at(lastPage)});
    if (page > 1 && withFirst)
        links.append({QStringLiteral("first"), at(1)});
    return links;
}

int SandboxPaging::intParameter(const QString &text, int fallback, int minimum, int maximum)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    return std::clamp(ok ? value : fallback, minimum, maximum);
}

} // namespace patchbay::sandbox
