#include "WebhookReceipt.h"
#include "WebhookVerifier.h"
#include "catalog/ProviderCatalog.h"
#include "server/HttpService.h"
#include "server/RequestSizeGuard.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>

#include <cstddef>
#include <cstdint>

using namespace patchbay;

namespace {
// The webhooks sections of the built-in providers: each signs and stamps calls its own way.
const QList<WebhookSpec> &specs()
{
    static const QList<WebhookSpec> all = [] {
        QList<WebhookSpec> list;
        const ProviderCatalog catalog = ProviderCatalog::builtIn();
        for (const QString &name : catalog.names()) {
            if (catalog.find(name)->webhooks.enabled)
                list.append(catalog.find(name)->webhooks);
        }
        return list;
    }();
    return all;
}
} // namespace

// Verifies an arbitrary call as SyncService::receiveWebhook does before reading its events. The input reads like an
// HTTP message: one byte choosing the provider, the connection's secret up to a newline, "name: value" header lines up
// to an empty line, then the body. Every input must end in a refusal or a pass.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // The server refuses a larger request before it reaches the receiver.
    constexpr qint64 kMaxRequest = RequestSizeGuard::kMaxHeadBytes + HttpService::kDefaultMaxBodyBytes;
    if (size == 0 || specs().isEmpty() || size > static_cast<std::size_t>(kMaxRequest))
        return 0;
    const WebhookSpec &spec = specs().at(data[0] % specs().size());
    QByteArray rest(reinterpret_cast<const char *>(data + 1), static_cast<qsizetype>(size - 1));

    const qsizetype secretEnd = rest.indexOf('\n');
    const QByteArray secret = secretEnd < 0 ? rest : rest.left(secretEnd);
    rest = secretEnd < 0 ? QByteArray() : rest.mid(secretEnd + 1);
    WebhookCall call;
    call.url = QUrl(QStringLiteral("https://patchbay.example/webhooks/provider/1?validationToken=x"));
    while (!rest.isEmpty()) {
        const qsizetype lineEnd = rest.indexOf('\n');
        const QByteArray line = lineEnd < 0 ? rest : rest.left(lineEnd);
        rest = lineEnd < 0 ? QByteArray() : rest.mid(lineEnd + 1);
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        call.headers.append(
            {line.left(colon).trimmed().toLower(), colon < 0 ? QByteArray() : line.mid(colon + 1).trimmed()});
    }
    call.body = rest;

    QJsonParseError parseError;
    const QJsonValue json = webhook::callJson(call.body, &parseError);
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC); // 2026-01-01T00:00:00Z
    (void)webhook::verify(spec, json, webhook::callBindings(call, json), secret, now);
    return 0;
}
