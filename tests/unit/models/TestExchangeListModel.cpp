#include "AllAnswered.h"
#include "CurlCommand.h"
#include "DemoDatabase.h"
#include "ExchangeListModel.h"
#include "FailingOps.h"

#include "ops/LocalOps.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace patchbay;

class TestExchangeListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void showsExchangesOfExecution();
    void exchangeRoleCarriesTheRedactedExchange();
    void refreshAppendsNewExchanges();
    void queryErrorIsReported();
    void curlCommandRepeatsTheRedactedRequest();

private:
    std::unique_ptr<DemoDatabase> m_demo;
    DemoDatabase::Ids m_ids;
    std::unique_ptr<LocalOps> m_ops;
    std::unique_ptr<ExchangeListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestExchangeListModel::init()
{
    m_demo = std::make_unique<DemoDatabase>();
    m_ids = m_demo->populate();
    QVERIFY2(m_demo->isValid(), qPrintable(m_demo->errorString()));
    m_ops = m_demo->createOps();
    QVERIFY(m_ops);
    m_model = std::make_unique<ExchangeListModel>(m_ops.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setExecution(m_ids.contactsRead);
    QVERIFY(loaded(*m_model));
}

void TestExchangeListModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_ops.reset();
    m_demo.reset();
}

void TestExchangeListModel::showsExchangesOfExecution()
{
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->index(0, ExchangeListModel::MethodColumn).data().toString(), QStringLiteral("POST"));
    QCOMPARE(m_model->index(0, ExchangeListModel::UrlColumn).data().toString(),
             QStringLiteral("https://api.hubapi.com/crm/v3/objects/contacts/search"));
    QCOMPARE(m_model->index(1, ExchangeListModel::StatusColumn).data().toString(), QStringLiteral("429"));
    QVERIFY(m_model->index(0, ExchangeListModel::DurationColumn).data().toString().endsWith(QStringLiteral(" ms")));

    m_model->setExecution(0);
    QVERIFY(loaded(*m_model));
    QCOMPARE(m_model->rowCount(), 0);
}

void TestExchangeListModel::exchangeRoleCarriesTheRedactedExchange()
{
    const QVariant value = m_model->index(1, ExchangeListModel::UrlColumn).data(ExchangeListModel::ExchangeRole);
    QVERIFY(value.canConvert<Exchange>());
    const Exchange exchange = value.value<Exchange>();
    QCOMPARE(exchange.id, m_model->exchangeAt(1).id);
    QCOMPARE(exchange.status, 429);
    QVERIFY(exchange.responseBody.contains("secondly limit"));
    bool sawAuthorization = false;
    for (const auto &[name, headerValue] : exchange.requestHeaders) {
        if (name.compare("Authorization", Qt::CaseInsensitive) == 0) {
            sawAuthorization = true;
            QCOMPARE(headerValue, QByteArray("Bearer [redacted]"));
        }
    }
    QVERIFY(sawAuthorization);
}

void TestExchangeListModel::refreshAppendsNewExchanges()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    m_demo->addExchange(m_ids.contactsRead, "GET", QStringLiteral("https://api.hubapi.com/crm/v3/properties/contacts"),
                        0, {}, {}, m_ids.leakedToken);
    m_model->refresh();
    QVERIFY(loaded(*m_model));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->index(3, ExchangeListModel::StatusColumn).data().toString(), QStringLiteral("no response"));
}

void TestExchangeListModel::queryErrorIsReported()
{
    FailingOps failing;
    ExchangeListModel model(&failing);
    QSignalSpy failures(&model, &ExchangeListModel::loadFailed);
    model.setExecution(3);
    QVERIFY(loaded(model));
    QCOMPARE(failures.count(), 1);
    QCOMPARE(model.rowCount(), 0);
}

void TestExchangeListModel::curlCommandRepeatsTheRedactedRequest()
{
    const Exchange recorded = m_model->exchangeAt(0);
    const QString curl = curlCommand(recorded);
    QVERIFY2(curl.startsWith(QStringLiteral("curl -X 'POST' 'https://api.hubapi.com/crm/v3/objects/contacts/search'")),
             qPrintable(curl));
    QVERIFY(curl.contains(QStringLiteral(" \\\n  -H 'Authorization: Bearer [redacted]'")));
    QVERIFY(curl.contains(QStringLiteral("-H 'Accept: application/json'")));
    QVERIFY(curl.contains(QStringLiteral("--data-raw '") + QString::fromUtf8(recorded.requestBody) + u'\''));
    QVERIFY(!curl.contains(m_ids.leakedToken));

    Exchange quoted;
    quoted.method = QStringLiteral("GET");
    quoted.url = QStringLiteral("https://example.com/a?q=it's");
    quoted.requestHeaders = {{"X-Note", "don't $(expand)"}};
    QCOMPARE(curlCommand(quoted), QStringLiteral("curl -X 'GET' 'https://example.com/a?q=it'\\''s' \\\n"
                                                 "  -H 'X-Note: don'\\''t $(expand)'"));
    QCOMPARE(shellQuoted(QStringLiteral("a'b")), QStringLiteral("'a'\\''b'"));
}

QTEST_GUILESS_MAIN(TestExchangeListModel)
#include "TestExchangeListModel.moc"
