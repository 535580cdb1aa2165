#pragma once

#include "server/HttpService.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>

#include <optional>

// What the emulator tests share: real HTTP over loopback with QNetworkAccessManager, and a receiver for webhooks.
struct SandboxReply
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QJsonArray array;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const;
};

class SandboxTestClient
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    explicit SandboxTestClient(const QUrl &baseUrl) : m_baseUrl(baseUrl) {}

    // pathOrUrl is resolved against the base URL, so absolute next-page links work as they are.
    SandboxReply send(const QByteArray &method, const QString &pathOrUrl, const QByteArray &body = {},
                      const Headers &headers = {});
    SandboxReply get(const QString &pathOrUrl, const QString &bearer);
    SandboxReply postJson(const QString &pathOrUrl, const QJsonObject &body, const QString &bearer);
    SandboxReply postForm(const QString &pathOrUrl, const QList<QPair<QString, QString>> &fields);

private:
    QNetworkAccessManager m_network;
    QUrl m_baseUrl;
};

// Listens on loopback and records the first request it gets, as a product's webhook endpoint would.
class WebhookReceiver
{
public:
    WebhookReceiver();
    QUrl url() const;
    // Waits up to timeoutMs for a delivery.
    std::optional<patchbay::HttpServerRequest> waitForDelivery(int timeoutMs = 5000);

private:
    patchbay::HttpService m_http;
    std::optional<patchbay::HttpServerRequest> m_received;
};
