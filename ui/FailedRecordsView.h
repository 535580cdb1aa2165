#pragma once

#include <QWidget>

class QLabel;
class QModelIndex;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace patchbay {

class EmptyStateWidget;
class FailedRecordListModel;
class OpsApi;

// The failed-records tab: the records of an execution or a connection whose mapping failed, and for the selected
// one every field error and the raw record (read-only, selectable), with "Re-map failed records" and, for a write
// execution, "Write again". Both ask first, saying what will happen, and are disabled (with the reason as their
// tooltip) while the connection runs something else.
class FailedRecordsView : public QWidget
{
    Q_OBJECT
public:
    explicit FailedRecordsView(OpsApi *ops, QWidget *parent = nullptr);

    // An execution's failed records; offers "Write again" when it is a write. 0 shows nothing.
    void setExecution(qint64 connectionId, qint64 executionId, const QString &kind);
    // The records of a connection that still fail.
    void setConnection(qint64 connectionId);
    // Asks again. The view does so itself when an execution of its connection ends (labelling thousands of records
    // costs a mapping evaluation each, too much for every progress tick).
    void refresh();
    FailedRecordListModel *model() const { return m_model; }
    // Why its commands (re-map, write again) cannot be used at all (a key that may only look), shown as their
    // tooltip; empty: they can.
    void setCommandsRefused(const QString &why);

Q_SIGNALS:
    void errorOccurred(const QString &message);

private:
    void showRecord(const QModelIndex &current);
    void updateActions();
    void remap();
    void writeAgain();
    // The confirmation for an action (named "failedRecordsConfirmBox" so tests can answer it); true when accepted.
    bool confirm(const QString &title, const QString &text, const QString &acceptText);
    void started(const QString &what, const QString &error);

    OpsApi *m_ops;
    FailedRecordListModel *m_model;
    QTableView *m_tableView;
    QPlainTextEdit *m_detailEdit;
    QLabel *m_summaryLabel;
    QPushButton *m_remapButton;
    QPushButton *m_writeAgainButton;
    EmptyStateWidget *m_emptyState;
    qint64 m_connectionId = 0;
    bool m_write = false;        // an execution that wrote: "Write again" is offered
    bool m_forExecution = false; // one execution's records, not the connection's
    QString m_refused;           // why the commands cannot be used at all; empty: they can
};

} // namespace patchbay
