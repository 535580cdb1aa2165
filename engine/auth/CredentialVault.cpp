#include "CredentialVault.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace patchbay {

namespace {

constexpr char kMagic[] = "PB1";
constexpr int kMagicSize = 3;
constexpr int kNonceSize = 12;
constexpr int kTagSize = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

QByteArray associatedDataFor(qint64 connectionId)
{
    return QByteArray("patchbay:credential:connection:") + QByteArray::number(connectionId);
}

Error cryptoError(const char *what)
{
    return makeError("vault.crypto_failed", QStringLiteral("Encryption library failure while %1.").arg(QLatin1String(what)));
}

} // namespace

CredentialVault::CredentialVault(SecretBytes key) : m_key(std::move(key)) {}

SecretBytes CredentialVault::derivedKey(const QByteArray &purpose) const
{
    return SecretBytes(QMessageAuthenticationCode::hash(purpose, m_key.reveal(), QCryptographicHash::Sha256));
}

SecretBytes CredentialVault::generateKey()
{
    QByteArray key(kKeySize, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(key.data()), kKeySize) != 1)
        qFatal("RAND_bytes failed: no secure random source");
    return SecretBytes(std::move(key));
}

Result<QByteArray> CredentialVault::seal(qint64 connectionId, const Credential &credential) const
{
    QByteArray plaintext = credential.toPlaintext();
    auto sealed = sealBytes(plaintext, associatedDataFor(connectionId));
    wipeBytes(plaintext);
    return sealed;
}

Result<Credential> CredentialVault::open(qint64 connectionId, const QByteArray &sealed) const
{
    auto plaintext = openBytes(sealed, associatedDataFor(connectionId));
    if (!plaintext)
        return plaintext.error();
    return Credential::fromPlaintext(plaintext->reveal());
}

Result<QByteArray> CredentialVault::sealBytes(const QByteArray &plaintext, const QByteArray &associatedData) const
{
    if (m_key.size() != kKeySize)
        return makeError("vault.no_key", QStringLiteral("The credential vault has no valid 256-bit key."));
    QByteArray out(kMagicSize + kNonceSize + plaintext.size() + kTagSize, Qt::Uninitialized);
    memcpy(out.data(), kMagic, kMagicSize);
    auto *nonce = reinterpret_cast<unsigned char *>(out.data() + kMagicSize);
    if (RAND_bytes(nonce, kNonceSize) != 1)
        return cryptoError("making a nonce");

    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0;
    auto *cipherText = reinterpret_cast<unsigned char *>(out.data() + kMagicSize + kNonceSize);
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1
        || EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, m_key.data(), nonce) != 1
        || EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(associatedData.constData()),
                             static_cast<int>(associatedData.size())) != 1
        || EVP_EncryptUpdate(ctx.get(), cipherText, &len, reinterpret_cast<const unsigned char *>(plaintext.constData()),
                             static_cast<int>(plaintext.size())) != 1
        || EVP_EncryptFinal_ex(ctx.get(), cipherText + len, &len) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, cipherText + plaintext.size()) != 1) {
        return cryptoError("sealing a credential");
    }
    return out;
}

Result<SecretBytes> CredentialVault::openBytes(const QByteArray &sealed, const QByteArray &associatedData) const
{
    if (sealed.size() < kMagicSize + kNonceSize + kTagSize || !sealed.startsWith(kMagic)) {
        return makeError("vault.corrupt", QStringLiteral("The stored credential is not in a format this Patchbay "
                                                         "can read; authorise the connection again."));
    }
    const int cipherSize = static_cast<int>(sealed.size()) - kMagicSize - kNonceSize - kTagSize;
    const auto *nonce = reinterpret_cast<const unsigned char *>(sealed.constData() + kMagicSize);
    const auto *cipherText = nonce + kNonceSize;
    QByteArray tag = sealed.right(kTagSize);
    QByteArray plain(cipherSize, Qt::Uninitialized);

    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0;
    const bool ok =
        ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1
        && EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, m_key.data(), nonce) == 1
        && EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(associatedData.constData()),
                             static_cast<int>(associatedData.size())) == 1
        && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(plain.data()), &len, cipherText, cipherSize) == 1
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1
        && EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(plain.data()) + len, &len) == 1;
    if (!ok) {
        wipeBytes(plain);
        return makeError("vault.auth_failed",
                         QStringLiteral("The stored credential does not decrypt with this master key: the key changed "
                                        "or the data was altered. Restore the original key, or authorise the "
                                        "connection again."));
    }
    return SecretBytes(std::move(plain));
}

} // namespace patchbay
