#include "BulkReauthorizationDialog.h"

#include "DisplayFormat.h"
#include "ops/OpsApi.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace patchbay {

namespace {

QByteArray csvField(QString text)
{
    // A spreadsheet runs a cell starting with these as a formula: a customer-chosen name must stay text.
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    if (!text.isEmpty() && formulaStarts.contains(text.front()))
        text.prepend(QLatin1Char('\''));
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n')) ||
        text.contains(QLatin1Char('\r'))) {
        text.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        text = QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text.toUtf8();
}

} // namespace

BulkReauthorizationDialog::BulkReauthorizationDialog(OpsApi *ops, QWidget *parent)
    : QDialog(parent), m_ops(ops), m_chooser([](QWidget *owner) {
          return QFileDialog::getSaveFileName(owner, QStringLiteral("Save re-authorisation links"),
                                              QStringLiteral("reauthorization-links.csv"),
                                              QStringLiteral("CSV files (*.csv)"));
      }),
      m_model(new QStandardItemModel(0, ColumnCount, this)), m_proxy(new QSortFilterProxyModel(this)),
      m_filterLineEdit(new QLineEdit(this)),
      m_needsReauthCheckBox(new QCheckBox(QStringLiteral("Only connections that need re-authorising"), this)),
      m_tableView(new QTableView(this)),
      m_createButton(new QPushButton(QStringLiteral("Create links and save CSV\u2026"), this)),
      m_statusLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("bulkReauthorizationDialog"));
    setWindowTitle(QStringLiteral("Re-authorisation links"));
    resize(760, 480);
    m_model->setHorizontalHeaderLabels({QString(), QStringLiteral("Connected user"), QStringLiteral("Connection"),
                                        QStringLiteral("Provider"), QStringLiteral("Health")});
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_filterLineEdit->setObjectName(QStringLiteral("bulkReauthorizationFilterLineEdit"));
    m_filterLineEdit->setPlaceholderText(QStringLiteral("Filter by connected user, connection or provider\u2026"));
    m_filterLineEdit->setClearButtonEnabled(true);
    m_needsReauthCheckBox->setObjectName(QStringLiteral("bulkReauthorizationNeedsReauthCheckBox"));
    m_needsReauthCheckBox->setChecked(true);
    m_tableView->setObjectName(QStringLiteral("bulkReauthorizationTableView"));
    m_tableView->setModel(m_proxy);
    m_tableView->verticalHeader()->hide();
    m_tableView->setShowGrid(false);
    m_tableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tableView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tableView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tableView->horizontalHeader()->setStretchLastSection(true);
    m_createButton->setObjectName(QStringLiteral("createReauthorizationLinksButton"));
    m_statusLabel->setObjectName(QStringLiteral("bulkReauthorizationStatusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextFormat(Qt::PlainText);

    auto *explanation = new QLabel(
        QStringLiteral("Each checked connection gets a link for its customer to authorise it again in their own "
                       "browser. A link works once, for a short while, and is the customer's key: send each only to "
                       "its customer."),
        this);
    explanation->setWordWrap(true);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_filterLineEdit, 1);
    filters->addWidget(m_needsReauthCheckBox);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_createButton, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addLayout(filters);
    layout->addWidget(m_tableView, 1);
    layout->addWidget(m_statusLabel);
    layout->addWidget(buttons);

    connect(m_filterLineEdit, &QLineEdit::textChanged, this, &BulkReauthorizationDialog::applyFilter);
    connect(m_needsReauthCheckBox, &QCheckBox::toggled, this, &BulkReauthorizationDialog::applyFilter);
    connect(m_model, &QStandardItemModel::itemChanged, this, &BulkReauthorizationDialog::updateActions);
    connect(m_createButton, &QPushButton::clicked, this, &BulkReauthorizationDialog::createLinks);
    updateActions();
    load();
}

void BulkReauthorizationDialog::load()
{
    m_statusLabel->setText(QStringLiteral("Loading the connections\u2026"));
    m_ops->health({}).then(this, [this](const Result<HealthReport> &report) {
        if (!report) {
            m_statusLabel->setText(report.error().message);
            return;
        }
        m_model->removeRows(0, m_model->rowCount());
        for (const ConnectionHealthRow &row : report->connections) {
            const bool needsReauth = row.health == ConnectionHealth::NeedsReauth;
            auto *check = new QStandardItem;
            check->setCheckable(true);
            check->setCheckState(needsReauth ? Qt::Checked : Qt::Unchecked);
            check->setData(row.connectionId, ConnectionIdRole);
            check->setData(row.health, HealthRole);
            auto *health =
                new QStandardItem(needsReauth ? DisplayFormat::connectionStatusText(row.health) : row.health);
            health->setToolTip(row.reason);
            m_model->appendRow({check, new QStandardItem(row.tenantName), new QStandardItem(row.connectionName),
                                new QStandardItem(row.provider), health});
        }
        m_statusLabel->clear();
        applyFilter();
    });
}

void BulkReauthorizationDialog::applyFilter()
{
    // The text filter is the proxy's; "needs re-auth only" hides the other rows.
    m_proxy->setFilterFixedString(m_filterLineEdit->text());
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, CheckColumn);
        const bool hidden =
            m_needsReauthCheckBox->isChecked() && index.data(HealthRole).toString() != ConnectionHealth::NeedsReauth;
        m_tableView->setRowHidden(row, hidden);
    }
    updateActions();
}

void BulkReauthorizationDialog::updateActions()
{
    int checked = 0;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        if (!m_tableView->isRowHidden(row) &&
            m_proxy->index(row, CheckColumn).data(Qt::CheckStateRole).toInt() == Qt::Checked)
            ++checked;
    }
    m_createButton->setEnabled(checked > 0);
    m_createButton->setToolTip(checked > 0 ? QStringLiteral("Creates %1 link%2 and saves them as CSV")
                                                 .arg(checked)
                                                 .arg(checked == 1 ? QString() : QStringLiteral("s"))
                                           : QStringLiteral("Check the connections to create links for"));
}

void BulkReauthorizationDialog::createLinks()
{
    // The rows checked and shown: what the person sees is what they get.
    QList<std::pair<qint64, Row>> wanted;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex check = m_proxy->index(row, CheckColumn);
        if (m_tableView->isRowHidden(row) || check.data(Qt::CheckStateRole).toInt() != Qt::Checked)
            continue;
        Row entry;
        entry.tenant = m_proxy->index(row, TenantColumn).data().toString();
        entry.connection = m_proxy->index(row, ConnectionColumn).data().toString();
        entry.provider = m_proxy->index(row, ProviderColumn).data().toString();
        wanted.append({check.data(ConnectionIdRole).toLongLong(), entry});
    }
    if (wanted.isEmpty())
        return;
    const QString path = m_chooser(this);
    if (path.isEmpty())
        return;
    m_createButton->setEnabled(false);
    m_statusLabel->setText(QStringLiteral("Creating %1 links\u2026").arg(wanted.size()));
    // Every answer fills its own row; the file is written once the last one came.
    auto rows = std::make_shared<QList<Row>>();
    auto left = std::make_shared<qsizetype>(wanted.size());
    for (const auto &one : wanted)
        rows->append(one.second);
    for (qsizetype i = 0; i < wanted.size(); ++i) {
        m_ops->createReauthorizationLink(wanted.at(i).first)
            .then(this, [this, rows, left, i, path](const Result<ReauthorizationLink> &link) {
                Row &row = (*rows)[i];
                if (link) {
                    row.link = link->url;
                    row.expiresAt = link->expiresAt;
                } else {
                    row.error = link.error().message;
                }
                if (--*left == 0)
                    write(path, *rows);
            });
    }
}

void BulkReauthorizationDialog::write(const QString &path, const QList<Row> &rows)
{
    updateActions();
    const int failures =
        int(std::count_if(rows.begin(), rows.end(), [](const Row &row) { return !row.error.isEmpty(); }));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(csv(rows)) < 0 || !file.commit()) {
        m_statusLabel->setText(
            QStringLiteral("The links were made but could not be saved to %1: %2").arg(path, file.errorString()));
        return;
    }
    const int links = int(rows.size()) - failures;
    m_statusLabel->setText(
        failures == 0 ? QStringLiteral("Saved %1 link%2 to %3.")
                            .arg(links)
                            .arg(links == 1 ? QString() : QStringLiteral("s"), path)
                      : QStringLiteral("Saved %1 link%2 to %3; %4 connection%5 got no link (the error is in the file).")
                            .arg(links)
                            .arg(links == 1 ? QString() : QStringLiteral("s"), path)
                            .arg(failures)
                            .arg(failures == 1 ? QString() : QStringLiteral("s")));
    Q_EMIT saved(path, links, failures);
}

QByteArray BulkReauthorizationDialog::csv(const QList<Row> &rows)
{
    QByteArray text = "tenant,connection,provider,link,expires at,error\r\n";
    for (const Row &row : rows) {
        const QString expires = row.expiresAt.isValid() ? row.expiresAt.toUTC().toString(Qt::ISODate) : QString();
        text += csvField(row.tenant) + ',' + csvField(row.connection) + ',' + csvField(row.provider) + ',' +
                csvField(row.link) + ',' + csvField(expires) + ',' + csvField(row.error) + "\r\n";
    }
    return text;
}

} // namespace patchbay
