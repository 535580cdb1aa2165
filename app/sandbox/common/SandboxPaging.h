#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

#include <algorithm>
#include <vector>

namespace patchbay::sandbox {

// Paging by offset or page number, and the Link header (RFC 8288) in which ServiceNow, GitHub and Greenhouse put
// the neighbouring pages.
class SandboxPaging
{
public:
    using Links = QList<QPair<QString, QUrl>>; // rel, URL

    // <url>; rel="next", <url>; rel="last" in the given order; empty for no links.
    static QByteArray linkHeader(const Links &links);
    // url with the named query parameters set (replaced in place, or appended), every other one kept.
    static QUrl withQuery(const QUrl &url, const QList<QPair<QString, QString>> &items);
    // The request as an absolute URL under apiBase (links keep the form the request came in).
    static QUrl requestUrl(const QString &apiBase, const QString &path, const QUrl &request);
    // next/prev/last (and first, unless withFirst is false) of page (1-based) of total items, perPage at a time,
    // as page=N links on url; only the links that lead somewhere.
    static Links pageNumberLinks(const QUrl &url, int page, int perPage, int total, bool withFirst = true);
    // An integer parameter, clamped; fallback when absent or not a number.
    static int intParameter(const QString &text, int fallback, int minimum, int maximum);

    // items[offset, offset + limit), clipped.
    template <typename T> static std::vector<T> slice(const std::vector<T> &items, qsizetype offset, qsizetype limit)
    {
        const auto size = static_cast<qsizetype>(items.size());
        const qsizetype begin = std::clamp<qsizetype>(offset, 0, size);
        const qsizetype end = std::clamp<qsizetype>(begin + std::max<qsizetype>(limit, 0), begin, size);
        return std::vector<T>(items.begin() + begin, items.begin() + end);
    }
};

} // namespace patchbay::sandbox
