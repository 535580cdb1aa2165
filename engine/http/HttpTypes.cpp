#include "HttpTypes.h"

namespace patchbay {

void HttpRequest::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0) {
            header.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject headersToJson(const HeaderList &headers)
{
    QJsonObject json;
    for (const auto &[name, value] : headers)
        json.insert(QString::fromLatin1(name).toLower(), QString::fromUtf8(value));
    return json;
}

} // namespace patchbay
