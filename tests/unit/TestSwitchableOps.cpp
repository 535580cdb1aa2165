// The console swaps the OpsApi its models use (this computer's engine, a server) without rebuilding them: calls go to
// the current target, and only its signals are heard.

#include "FailingOps.h"
#include "ops/SwitchableOps.h"

#include <QSignalSpy>
#include <QTest>

using namespace patchbay;

namespace {

// A target that answers one thing and can be made to emit.
class NamedOps : public FailingOps
{
public:
    explicit NamedOps(qint64 busyConnection) : m_busyConnection(busyConnection) {}
    bool isBusy(qint64 connectionId) const override { return connectionId == m_busyConnection; }
    void emitFinished(qint64 connectionId) { Q_EMIT executionFinished(connectionId, 7, true, QString()); }

private:
    qint64 m_busyConnection;
};

} // namespace

class TestSwitchableOps : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void callsAndSignalsFollowTheCurrentTarget();
};

void TestSwitchableOps::callsAndSignalsFollowTheCurrentTarget()
{
    NamedOps local(1);
    NamedOps remote(2);
    SwitchableOps ops(&local);
    QSignalSpy finished(&ops, &OpsApi::executionFinished);
    QSignalSpy changed(&ops, &SwitchableOps::targetChanged);

    QVERIFY(ops.isBusy(1) && !ops.isBusy(2));
    local.emitFinished(1);
    QCOMPARE(finished.size(), 1);

    ops.setTarget(&remote);
    QCOMPARE(changed.size(), 1);
    QVERIFY(ops.isBusy(2) && !ops.isBusy(1));
    local.emitFinished(1); // the previous target is no longer heard
    remote.emitFinished(2);
    QCOMPARE(finished.size(), 2);
    QCOMPARE(finished.last().at(0).toLongLong(), 2);

    // Calls answer as the target does.
    QFuture<Result<QList<Tenant>>> tenants = ops.tenants();
    QTRY_VERIFY(tenants.isFinished());
    QCOMPARE(tenants.result().error().message, FailingOps::kMessage);

    ops.setTarget(&remote); // the same again: nothing changes
    QCOMPARE(changed.size(), 1);
}

QTEST_GUILESS_MAIN(TestSwitchableOps)
#include "TestSwitchableOps.moc"
