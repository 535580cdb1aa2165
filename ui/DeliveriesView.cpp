#include "DeliveriesView.h"

#include "CommandButton.h"
#include "Confirmation.h"
#include "DisplayFormat.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace patchbay {

namespace {

enum Column { IdColumn, TimeColumn, WhatColumn, StateColumn, AttemptsColumn, LinkColumn, ErrorColumn, ColumnCount };

QTableWidget *createTable(const QString &name, const QString &what, QWidget *parent)
{
    auto *table = new QTableWidget(0, ColumnCount, parent);
    table->setObjectName(name);
    table->setHorizontalHeaderLabels({QStringLiteral("#"), QStringLiteral("Time"), what, QStringLiteral("State"),
                                      QStringLiteral("Attempts"), QStringLiteral("Replay"), QStringLiteral("Error")});
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(ErrorColumn, QHeaderView::Stretch);
    return table;
}

// Each column as wide as what it holds; the error takes the rest.
void fitColumns(QTableWidget *table)
{
    for (int column = 0; column < ErrorColumn; ++column)
        table->resizeColumnToContents(column);
}

// "Replay of #12", "Replayed by #14", both, or nothing: from the listed rows.
template <typename Row> QString linkText(const Row &row, const QList<Row> &rows)
{
    QStringList links;
    if (row.replayOf != 0)
        links.append(QStringLiteral("Replay of #%1").arg(row.replayOf));
    for (const Row &other : rows) {
        if (other.replayOf == row.id)
            links.append(QStringLiteral("Replayed by #%1").arg(other.id));
    }
    return links.join(QStringLiteral(", "));
}

void setRow(QTableWidget *table, int row, qint64 id, const QStringList &texts, const QColor &stateColor)
{
    for (int column = 0; column < texts.size(); ++column) {
        auto *item = new QTableWidgetItem(texts.at(column));
        item->setData(Qt::UserRole, id);
        item->setToolTip(texts.at(column));
        if (column == StateColumn && stateColor.isValid())
            item->setForeground(stateColor);
        table->setItem(row, column, item);
    }
}

// What a listed state looks like: failed in the failure colour, pending in the running one.
QColor stateColor(const QString &state)
{
    if (state == QLatin1String("failed"))
        return DisplayFormat::executionOutcomeColor(ExecutionOutcome::Failed, DisplayFormat::applicationPalette());
    if (state == QLatin1String("pending"))
        return DisplayFormat::executionOutcomeColor(ExecutionOutcome::Running, DisplayFormat::applicationPalette());
    return {};
}

qint64 selectedId(const QTableWidget *table)
{
    const QTableWidgetItem *item = table->currentItem();
    return item && item->isSelected() ? item->data(Qt::UserRole).toLongLong() : 0;
}

void selectId(QTableWidget *table, qint64 id)
{
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, IdColumn)->data(Qt::UserRole).toLongLong() == id) {
            table->setCurrentCell(row, IdColumn);
            table->selectRow(row);
            return;
        }
    }
}

// A titled list with its Replay… button.
QWidget *section(const QString &title, QTableWidget *table, QPushButton *button, QWidget *parent)
{
    auto *page = new QWidget(parent);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 4, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(title, page), 1);
    bar->addWidget(button);
    layout->addLayout(bar);
    layout->addWidget(table, 1);
    return page;
}

} // namespace

DeliveriesView::DeliveriesView(OpsApi *ops, QWidget *parent)
    : QWidget(parent), m_ops(ops),
      m_webhookTable(createTable(QStringLiteral("webhookEventTable"), QStringLiteral("Provider"), this)),
      m_deliveryTable(createTable(QStringLiteral("notificationDeliveryTable"), QStringLiteral("Event"), this)),
      m_replayWebhookButton(new QPushButton(QStringLiteral("Replay webhook call\u2026"), this)),
      m_replayDeliveryButton(new QPushButton(QStringLiteral("Replay notification\u2026"), this))
{
    m_replayWebhookButton->setObjectName(QStringLiteral("replayWebhookButton"));
    m_replayDeliveryButton->setObjectName(QStringLiteral("replayDeliveryButton"));
    CommandButton::setToolTip(m_replayWebhookButton,
                              QStringLiteral("Applies the selected provider call's events again, as a new call "
                                             "linked to it"));
    CommandButton::setToolTip(m_replayDeliveryButton,
                              QStringLiteral("Sends the selected notification to the product again, as a new "
                                             "delivery linked to it"));
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("deliveriesSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(
        section(QStringLiteral("Webhooks from the provider"), m_webhookTable, m_replayWebhookButton, this));
    splitter->addWidget(
        section(QStringLiteral("Notifications to the product"), m_deliveryTable, m_replayDeliveryButton, this));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_webhookTable, &QTableWidget::itemSelectionChanged, this, &DeliveriesView::updateButtons);
    connect(m_deliveryTable, &QTableWidget::itemSelectionChanged, this, &DeliveriesView::updateButtons);
    connect(m_replayWebhookButton, &QPushButton::clicked, this, &DeliveriesView::replayWebhookEvent);
    connect(m_replayDeliveryButton, &QPushButton::clicked, this, &DeliveriesView::replayDelivery);
    updateButtons();
}

void DeliveriesView::setConnection(qint64 connectionId)
{
    m_connectionId = connectionId;
    // Asked when shown (the tab becoming current reloads it), not for every connection clicked past.
    if (isVisible() || connectionId == 0) {
        reload();
        return;
    }
    ++m_generation; // the previous connection's answers, if any are still coming, are not this one's
    showWebhookEvents({});
    showDeliveries({});
}

void DeliveriesView::reload()
{
    const quint64 generation = ++m_generation;
    if (m_connectionId == 0) {
        showWebhookEvents({});
        showDeliveries({});
        return;
    }
    m_pending = 2;
    const ReplayListFilter filter{std::nullopt, m_connectionId, kLimit};
    const auto answered = [this, generation](const auto &rows, auto show) {
        if (generation != m_generation)
            return;
        if (!rows)
            Q_EMIT errorOccurred(rows.error().message);
        else
            (this->*show)(rows.value());
        if (--m_pending == 0)
            Q_EMIT loaded();
    };
    m_ops->webhookEvents(filter).then(this, [answered](const Result<QList<WebhookEventRow>> &rows) {
        answered(rows, &DeliveriesView::showWebhookEvents);
    });
    m_ops->notificationDeliveries(filter).then(this, [answered](const Result<QList<NotificationDeliveryRow>> &rows) {
        answered(rows, &DeliveriesView::showDeliveries);
    });
}

void DeliveriesView::showWebhookEvents(const QList<WebhookEventRow> &rows)
{
    const qint64 selected = m_selectWebhook != 0 ? std::exchange(m_selectWebhook, 0) : selectedId(m_webhookTable);
    m_webhookEvents = rows;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_webhookTable->setRowCount(int(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
        const WebhookEventRow &event = rows.at(row);
        setRow(m_webhookTable, row, event.id,
               {QString::number(event.id), DisplayFormat::shortTime(event.receivedAt, now), event.provider, event.state,
                QString::number(event.attempts), linkText(event, rows), event.error},
               stateColor(event.state));
    }
    fitColumns(m_webhookTable);
    selectId(m_webhookTable, selected);
    updateButtons();
}

void DeliveriesView::showDeliveries(const QList<NotificationDeliveryRow> &rows)
{
    const qint64 selected = m_selectDelivery != 0 ? std::exchange(m_selectDelivery, 0) : selectedId(m_deliveryTable);
    m_deliveries = rows;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_deliveryTable->setRowCount(int(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
        const NotificationDeliveryRow &delivery = rows.at(row);
        setRow(m_deliveryTable, row, delivery.id,
               {QString::number(delivery.id), DisplayFormat::shortTime(delivery.createdAt, now),
                QStringLiteral("%1 \u2192 %2").arg(delivery.type, delivery.endpoint), delivery.state,
                QString::number(delivery.attempts), linkText(delivery, rows), delivery.error},
               stateColor(delivery.state));
    }
    fitColumns(m_deliveryTable);
    selectId(m_deliveryTable, selected);
    updateButtons();
}

void DeliveriesView::replayWebhookEvent()
{
    const qint64 id = selectedId(m_webhookTable);
    if (id == 0)
        return;
    if (!confirmCommand(this, QStringLiteral("replayWebhookConfirmBox"),
                        QStringLiteral("Replay webhook call #%1").arg(id),
                        QStringLiteral("Applies the events of webhook call #%1 again, those applied before too (after "
                                       "a mapping fix), as a new call linked to #%1. Records it names are fetched and "
                                       "stored again; deletions are applied again.")
                            .arg(id),
                        QStringLiteral("Replay")))
        return;
    m_ops->replayWebhookEvent(id).then(this, [this, id](const Result<WebhookEventRow> &replay) {
        if (!replay) {
            Q_EMIT errorOccurred(
                QStringLiteral("Replay of webhook call #%1 refused: %2").arg(id).arg(replay.error().message));
            return;
        }
        m_selectWebhook = replay->id;
        reload();
    });
}

void DeliveriesView::replayDelivery()
{
    const qint64 id = selectedId(m_deliveryTable);
    if (id == 0)
        return;
    QString what;
    for (const NotificationDeliveryRow &delivery : std::as_const(m_deliveries)) {
        if (delivery.id == id)
            what =
                QStringLiteral("the %1 notification to endpoint \u201c%2\u201d").arg(delivery.type, delivery.endpoint);
    }
    if (!confirmCommand(this, QStringLiteral("replayDeliveryConfirmBox"),
                        QStringLiteral("Replay notification #%1").arg(id),
                        QStringLiteral("Sends %1 (delivery #%2) again as a new delivery linked to #%2, with the same "
                                       "event id, so that the product can tell it has seen the event.")
                            .arg(what)
                            .arg(id),
                        QStringLiteral("Replay")))
        return;
    m_ops->replayNotificationDelivery(id).then(this, [this, id](const Result<NotificationDeliveryRow> &replay) {
        if (!replay) {
            Q_EMIT errorOccurred(
                QStringLiteral("Replay of notification #%1 refused: %2").arg(id).arg(replay.error().message));
            return;
        }
        m_selectDelivery = replay->id;
        reload();
    });
}

void DeliveriesView::setCommandsRefused(const QString &why)
{
    m_refused = why;
    updateButtons();
}

void DeliveriesView::updateButtons()
{
    CommandButton::update(m_replayWebhookButton, selectedId(m_webhookTable) != 0 && m_refused.isEmpty(), m_refused);
    CommandButton::update(m_replayDeliveryButton, selectedId(m_deliveryTable) != 0 && m_refused.isEmpty(), m_refused);
}

} // namespace patchbay
