#pragma once

#include <QByteArray>
#include <QString>

namespace patchbay::test {

// A fresh self-signed certificate for 127.0.0.1 and localhost (P-256 key, valid for a day), made with OpenSSL at
// test time so that no key is checked in. PEM text; error says what failed when both are empty.
struct SelfSignedCertificate
{
    QByteArray certificatePem;
    QByteArray privateKeyPem;
    QString error;

    static SelfSignedCertificate generate();
    // Writes both to dir (certificate.pem, key.pem; the key owner-only) and returns false with error set if it cannot.
    bool writeTo(const QString &dir, QString *certificatePath, QString *keyPath);
};

} // namespace patchbay::test
