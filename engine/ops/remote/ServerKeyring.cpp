#include "ServerKeyring.h"

#include <QPromise>
#include <qt6keychain/keychain.h>

#include <memory>

namespace patchbay {

namespace {

Error keyringError(const QKeychain::Job &job, const QUrl &server)
{
    switch (job.error()) {
    case QKeychain::EntryNotFound:
        return makeError("keyring.not_found",
                         QStringLiteral("No API key is kept for %1 yet: enter it.").arg(ServerKeyring::entryName(server)));
    case QKeychain::NoBackendAvailable:
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return makeError("keyring.unavailable",
                         QStringLiteral("The system keychain cannot keep the API key (%1); unlock or install a keychain "
                                        "(Secret Service) and try again.")
                             .arg(job.errorString()));
    default:
        return makeError("keyring.failed", QStringLiteral("The system keychain failed: %1").arg(job.errorString()));
    }
}

// Starts job and answers with what finish makes of it once it is done; the job deletes itself.
template <typename T, typename Finish>
QFuture<Result<T>> run(QKeychain::Job *job, Finish finish)
{
    auto promise = std::make_shared<QPromise<Result<T>>>();
    promise->start();
    QObject::connect(job, &QKeychain::Job::finished, job, [promise, finish](QKeychain::Job *done) {
        promise->addResult(finish(*done));
        promise->finish();
    });
    job->setAutoDelete(true);
    job->start();
    return promise->future();
}

} // namespace

QString ServerKeyring::entryName(const QUrl &server)
{
    QUrl name = server.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                QUrl::StripTrailingSlash);
    if (name.path() == QLatin1String("/"))
        name.setPath(QString());
    return name.toString();
}

QFuture<Result<SecretBytes>> ServerKeyring::readKey(const QUrl &server) const
{
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(entryName(server));
    return run<SecretBytes>(job, [server](QKeychain::Job &done) -> Result<SecretBytes> {
        if (done.error() != QKeychain::NoError)
            return keyringError(done, server);
        return SecretBytes(static_cast<QKeychain::ReadPasswordJob &>(done).binaryData());
    });
}

QFuture<Result<void>> ServerKeyring::storeKey(const QUrl &server, const SecretBytes &key) const
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(entryName(server));
    job->setBinaryData(key.reveal());
    return run<void>(job, [server](QKeychain::Job &done) -> Result<void> {
        if (done.error() != QKeychain::NoError)
            return keyringError(done, server);
        return {};
    });
}

QFuture<Result<void>> ServerKeyring::forgetKey(const QUrl &server) const
{
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(entryName(server));
    return run<void>(job, [server](QKeychain::Job &done) -> Result<void> {
        if (done.error() != QKeychain::NoError && done.error() != QKeychain::EntryNotFound)
            return keyringError(done, server);
        return {};
    });
}

} // namespace patchbay
