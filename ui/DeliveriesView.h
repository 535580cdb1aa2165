#pragma once

#include "ops/OpsApi.h"

#include <QWidget>

class QPushButton;
class QTableWidget;

namespace patchbay {

// A connection's deliveries both ways: the provider webhook calls patchbayd's inbox kept, and the notifications sent
// to the product, newest first, each with what became of it and its link to what it replays or what replayed it.
// Replay… on the selected one asks first, saying what will happen, then replays it through OpsApi
// (replayWebhookEvent, replayNotificationDelivery); the replay is listed and selected, and a refusal is reported
// with its message.
class DeliveriesView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kLimit = 200; // the newest; older ones are in the server's own logs

    explicit DeliveriesView(OpsApi *ops, QWidget *parent = nullptr);

    // Lists the connection's (nothing for 0) when shown, else at the next reload; the rows arrive with the answers.
    void setConnection(qint64 connectionId);
    void reload();
    // Why replay cannot be used at all (a key that may only look), as the buttons' tooltip; empty: they can.
    void setCommandsRefused(const QString &why);

    const QList<WebhookEventRow> &webhookEvents() const { return m_webhookEvents; }
    const QList<NotificationDeliveryRow> &deliveries() const { return m_deliveries; }

Q_SIGNALS:
    void errorOccurred(const QString &message);
    // Both lists were answered (for tests and the tab's title).
    void loaded();

private:
    void showWebhookEvents(const QList<WebhookEventRow> &rows);
    void showDeliveries(const QList<NotificationDeliveryRow> &rows);
    void replayWebhookEvent();
    void replayDelivery();
    void updateButtons();

    OpsApi *m_ops;
    QTableWidget *m_webhookTable;
    QTableWidget *m_deliveryTable;
    QPushButton *m_replayWebhookButton;
    QPushButton *m_replayDeliveryButton;
    QList<WebhookEventRow> m_webhookEvents;
    QList<NotificationDeliveryRow> m_deliveries;
    qint64 m_connectionId = 0;
    quint64 m_generation = 0; // bumped by each reload: an older answer is dropped
    int m_pending = 0;        // answers of the current reload still to come
    qint64 m_selectWebhook = 0;
    qint64 m_selectDelivery = 0;
    QString m_refused;
};

} // namespace patchbay
