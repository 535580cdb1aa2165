#include "SelfSignedCertificate.h"

#include <QFile>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace patchbay::test {

namespace {

template <typename T, void (*Free)(T *)>
struct Deleter
{
    void operator()(T *p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void freeBio(BIO *bio)
{
    BIO_free(bio);
}
using Bio = std::unique_ptr<BIO, Deleter<BIO, freeBio>>;

QByteArray bioText(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

bool addExtension(X509 *certificate, int nid, const char *value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    const Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

} // namespace

SelfSignedCertificate SelfSignedCertificate::generate()
{
    SelfSignedCertificate result;
    const Key key(EVP_EC_gen("P-256"));
    const Certificate certificate(X509_new());
    if (!key || !certificate) {
        result.error = QStringLiteral("OpenSSL could not make a key");
        return result;
    }
    X509_set_version(certificate.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 24 * 3600);
    X509_set_pubkey(certificate.get(), key.get());
    X509_NAME *name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("localhost"), -1, -1,
                               0);
    X509_set_issuer_name(certificate.get(), name);
    if (!addExtension(certificate.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1")
        || !addExtension(certificate.get(), NID_basic_constraints, "critical,CA:TRUE")
        || X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0) {
        result.error = QStringLiteral("OpenSSL could not sign the certificate");
        return result;
    }
    const Bio certificateBio(BIO_new(BIO_s_mem()));
    const Bio keyBio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(certificateBio.get(), certificate.get()) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        result.error = QStringLiteral("OpenSSL could not write PEM");
        return result;
    }
    result.certificatePem = bioText(certificateBio.get());
    result.privateKeyPem = bioText(keyBio.get());
    return result;
}

bool SelfSignedCertificate::writeTo(const QString &dir, QString *certificatePath, QString *keyPath)
{
    *certificatePath = dir + QStringLiteral("/certificate.pem");
    *keyPath = dir + QStringLiteral("/key.pem");
    QFile certificateFile(*certificatePath);
    QFile keyFile(*keyPath);
    if (!certificateFile.open(QIODevice::WriteOnly) || certificateFile.write(certificatePem) != certificatePem.size()
        || !keyFile.open(QIODevice::WriteOnly) || !keyFile.setPermissions(QFile::ReadOwner | QFile::WriteOwner)
        || keyFile.write(privateKeyPem) != privateKeyPem.size()) {
        error = QStringLiteral("cannot write the certificate or key to %1").arg(dir);
        return false;
    }
    return true;
}

} // namespace patchbay::test
