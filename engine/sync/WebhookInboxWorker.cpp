#include "WebhookInboxWorker.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "store/Store.h"
#include "sync/SyncService.h"

namespace patchbay {

WebhookInboxWorker::WebhookInboxWorker(SyncService &sync, StoreOpener openStore, const Clock &clock,
                                       WebhookInboxOptions options, QObject *parent)
    : QObject(parent), m_sync(sync), m_openStore(std::move(openStore)), m_clock(clock), m_options(options)
{
    m_pool.setMaxThreadCount(std::max(1, m_options.workers));
    m_pool.setObjectName(QStringLiteral("webhook inbox"));
    m_poll.setInterval(m_options.poll);
    connect(&m_poll, &QTimer::timeout, this, &WebhookInboxWorker::wake);
}

WebhookInboxWorker::~WebhookInboxWorker()
{
    stop();
}

void WebhookInboxWorker::start()
{
    m_stopping = false;
    m_poll.start();
    wake();
}

void WebhookInboxWorker::stop()
{
    m_stopping = true;
    m_poll.stop();
    m_pool.waitForDone();
}

void WebhookInboxWorker::wake()
{
    m_wanted = true;
    // One more drainer while there is room for it; a drainer that is running sees m_wanted and looks again.
    int running = m_running.load();
    while (!m_stopping && running < m_pool.maxThreadCount()) {
        if (m_running.compare_exchange_weak(running, running + 1)) {
            m_pool.start([this] { drain(); });
            return;
        }
    }
}

void WebhookInboxWorker::drain()
{
    auto opened = m_openStore();
    if (!opened) {
        qCWarning(lcSync).noquote() << "Webhook inbox: cannot open the store:" << opened.error().toString();
        --m_running;
        return;
    }
    Store &store = *opened.value();
    while (!m_stopping) {
        m_wanted = false;
        auto claimed = store.webhooks().claimWebhooks(1, m_clock.now().addSecs(m_options.claim.count()));
        if (!claimed) {
            qCWarning(lcSync).noquote() << "Webhook inbox: cannot claim:" << claimed.error().toString();
            break;
        }
        if (claimed->isEmpty()) {
            if (m_wanted)
                continue;
            break;
        }
        const WebhookInboxEntry &entry = claimed->first();
        const WebhookOutcome outcome = m_sync.applyWebhook(entry);
        finish(store, entry, outcome.status, outcome.message, outcome.executionId);
    }
    --m_running;
}

void WebhookInboxWorker::finish(Store &store, const WebhookInboxEntry &entry, int status, const QString &message,
                                qint64 executionId)
{
    Result<void> finished;
    if (status < 300) {
        finished = store.webhooks().finishWebhook(entry.id, WebhookInboxState::Applied, {}, executionId);
    } else if ((status >= 400 && status < 500) || entry.attempts >= m_options.maxAttempts) {
        const QString reason = status < 500 ? message
                                            : QStringLiteral("%1 (gave up after %2 attempts)").arg(message).arg(entry.attempts);
        qCWarning(lcSync).noquote() << "Webhook inbox entry" << entry.id << "of" << entry.provider << "failed:" << reason;
        finished = store.webhooks().finishWebhook(entry.id, WebhookInboxState::Failed, reason, executionId);
    } else {
        const qint64 backoff = std::min<qint64>(m_options.maxRetry.count(),
                                                m_options.firstRetry.count() << std::min(entry.attempts - 1, 20));
        finished = store.webhooks().finishWebhook(entry.id, WebhookInboxState::Pending, message, executionId,
                                                  m_clock.now().addMSecs(backoff));
    }
    if (!finished)
        qCWarning(lcSync).noquote() << "Webhook inbox: cannot finish entry" << entry.id << finished.error().toString();
}

} // namespace patchbay
