#include "WebhookSigner.h"

#include <QMessageAuthenticationCode>

namespace patchbay::sandbox {

QByteArray WebhookSigner::hmacSha256(const QByteArray &secret, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, secret, QCryptographicHash::Sha256);
}

QByteArray WebhookSigner::base64Signature(const QByteArray &secret, const QByteArray &message)
{
    return hmacSha256(secret, message).toBase64();
}

QByteArray WebhookSigner::hexSignature(const QByteArray &secret, const QByteArray &message)
{
    return hmacSha256(secret, message).toHex();
}

} // namespace patchbay::sandbox
