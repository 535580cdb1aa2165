#include "ExecutionLeaseKeeper.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "store/sqlite/SqliteStore.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSysInfo>

namespace patchbay {

ExecutionLeaseKeeper::ExecutionLeaseKeeper(QString databasePath, Clock &clock)
    : m_databasePath(std::move(databasePath)), m_clock(clock)
{}

ExecutionLeaseKeeper::~ExecutionLeaseKeeper()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

QString ExecutionLeaseKeeper::processOwner()
{
    static const QString owner = QStringLiteral("%1 pid %2 start %3")
                                     .arg(QSysInfo::machineHostName())
                                     .arg(QCoreApplication::applicationPid())
                                     .arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
    return owner;
}

ExecutionLease ExecutionLeaseKeeper::newLease()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_thread.joinable())
            m_thread = std::thread([this] { renewLoop(); });
    }
    return ExecutionLease{processOwner(), m_clock.now().addSecs(kLeaseDuration.count())};
}

void ExecutionLeaseKeeper::renewLoop()
{
    std::unique_ptr<Store> store;
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, kRenewInterval, [this] { return m_stopping; })) {
        lock.unlock();
        if (!store) {
            auto opened = SqliteStore::open(m_databasePath, m_clock);
            if (opened)
                store = std::move(opened).value();
            else
                qCWarning(lcSync) << "cannot renew execution leases:" << opened.error().toString();
        }
        if (store) {
            if (auto renewed =
                    store->executions().renewExecutionLeases(processOwner(), m_clock.now().addSecs(kLeaseDuration.count()));
                !renewed)
                qCWarning(lcSync) << "cannot renew execution leases:" << renewed.error().toString();
        }
        lock.lock();
    }
}

} // namespace patchbay
