#include "HttpTypes.h"

#include <algorithm>

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

namespace {

// RFC 9110 token characters, the only ones a field name may have.
bool isTokenChar(char c)
{
    static const QByteArray extra = QByteArrayLiteral("!#$%&'*+-.^_`|~");
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.contains(c);
}

// A field value is visible characters, spaces and tabs (and obs-text); never CR, LF, NUL or another control.
bool isFieldValueChar(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return byte == '\t' || (byte >= 0x20 && byte != 0x7f);
}

} // namespace

Result<void> HttpRequest::checkHeaders() const
{
    for (const auto &[name, value] : headers) {
        if (name.isEmpty() || !std::all_of(name.begin(), name.end(), isTokenChar)) {
            return makeError("http.invalid_header",
                             QStringLiteral("A request header is named '%1', which is not a valid HTTP header name; "
                                            "nothing was sent. Correct the header name in the provider definition.")
                                 .arg(QString::fromLatin1(name.toPercentEncoding())));
        }
        if (!std::all_of(value.begin(), value.end(), isFieldValueChar)) {
            return makeError("http.invalid_header",
                             QStringLiteral("The value of the %1 header contains a line break or another control "
                                            "character, which could smuggle in headers of its own; nothing was sent. "
                                            "Check what fills it: the connection's credential (enter it again), its "
                                            "config, or the definition's template.")
                                 .arg(QString::fromLatin1(name)));
        }
    }
    return {};
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
