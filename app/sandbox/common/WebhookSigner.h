#pragma once

#include <QByteArray>

namespace patchbay::sandbox {

// HMAC-SHA256 in the encodings providers put into webhook signature headers. What is signed (body, timestamp +
// body, method + URI + body + timestamp) is each provider's scheme and stays with its emulator.
class WebhookSigner
{
public:
    static QByteArray hmacSha256(const QByteArray &secret, const QByteArray &message);
    static QByteArray base64Signature(const QByteArray &secret, const QByteArray &message);
    static QByteArray hexSignature(const QByteArray &secret, const QByteArray &message);
};

} // namespace patchbay::sandbox
