#pragma once

#include "catalog/ProviderDefinition.h"
#include "http/HttpTypes.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUrl>

#include <optional>

namespace patchbay {

// Where a read is inside a list: what the next request must carry. Saved in the cursor after every page.
struct PageState
{
    QString cursor;  // cursor pagination
    QString nextUrl; // nextUrl / linkHeader pagination, and delta links
    qint64 offset = 0;
    int page = 0;

    bool isStart() const { return cursor.isEmpty() && nextUrl.isEmpty() && offset == 0 && page == 0; }
    QJsonObject toJson() const;
    static PageState fromJson(const QJsonObject &object);
};

// One pagination style of a definition, applied generically: it places the page position in a request and
// decides from a page (body, headers, records) where the next one is, or that this was the last.
class Paginator
{
public:
    explicit Paginator(PaginationSpec spec) : m_spec(std::move(spec)) {}

    const PaginationSpec &spec() const { return m_spec; }

    // Query items or body fields for this position. A next URL, when there is one, is sent as it is instead.
    void apply(const PageState &state, QUrl &url, QJsonObject &body) const;
    // nullopt: that was the last page.
    std::optional<PageState> next(const PageState &current, const QJsonValue &body, const HttpResponse &response,
                                  const QJsonArray &records) const;

    static QString linkHeaderNext(const QByteArray &linkHeader);

private:
    PaginationSpec m_spec;
};

} // namespace patchbay
