#include "NotificationSigner.h"

#include <QMessageAuthenticationCode>

namespace patchbay::NotificationSigner {

QByteArray sign(const SecretBytes &secret, qint64 unixSeconds, const QByteArray &body)
{
    const QByteArray timestamp = QByteArray::number(unixSeconds);
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret.reveal());
    mac.addData(timestamp);
    mac.addData(".", 1);
    mac.addData(body);
    return "t=" + timestamp + ",v1=" + mac.result().toHex();
}

} // namespace patchbay::NotificationSigner
