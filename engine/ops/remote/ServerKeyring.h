#pragma once

#include "core/Result.h"
#include "core/SecretBytes.h"

#include <QFuture>
#include <QString>
#include <QUrl>

namespace patchbay {

// The API keys the console uses for servers, kept in the system keychain (Secret Service, macOS Keychain, Windows
// Credential Manager through QtKeychain), one entry per server URL: never in a settings file. Every call returns at
// once; the keychain answers later (it may ask the user to unlock it).
//
// Errors: keyring.unavailable (no keychain service: say where the key could not be kept), keyring.not_found (no
// key for that server yet), keyring.failed (the keychain refused; its words in the message).
class ServerKeyring
{
public:
    explicit ServerKeyring(QString service = QStringLiteral("patchbay-console")) : m_service(std::move(service)) {}

    QFuture<Result<SecretBytes>> readKey(const QUrl &server) const;
    QFuture<Result<void>> storeKey(const QUrl &server, const SecretBytes &key) const;
    QFuture<Result<void>> forgetKey(const QUrl &server) const;

    // The keychain entry's name for a server: its URL without user info, query or trailing slash.
    static QString entryName(const QUrl &server);

private:
    QString m_service;
};

} // namespace patchbay
