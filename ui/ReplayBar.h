#pragma once

#include "ops/OpsApi.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;

namespace patchbay {

// One execution's replay links and command: "Replay of #123" on a replay, "Replayed by #456" on its original (each
// a link), and Replay… for a read or write that failed, kept failed records or was interrupted. Replay asks first,
// saying what will run again and for whom, then starts the replay through OpsApi::replayExecution; a refusal is
// reported with the server's message.
class ReplayBar : public QWidget
{
    Q_OBJECT
public:
    explicit ReplayBar(OpsApi *ops, QWidget *parent = nullptr);

    // Shows the execution as the Runs view lists it; nullopt shows nothing.
    void setRow(const std::optional<ExecutionRow> &row);
    // Looks the execution up (its row, with its links) and shows it; 0 shows nothing.
    void setExecution(qint64 connectionId, qint64 executionId);
    const std::optional<ExecutionRow> &row() const { return m_row; }
    // Why replay cannot be used at all (a key that may only look), as the button's tooltip; empty: it can.
    void setCommandsRefused(const QString &why);

    // Whether the execution can be replayed: a read or write that failed, partly failed or was interrupted.
    static bool canReplay(const ExecutionRow &row);
    // What the confirmation says will happen.
    static QString confirmationText(const ExecutionRow &row);
    // Whether Replay… can be used now (a replayable run, a key that may act, the connection not busy).
    bool isReplayEnabled() const;
    // Asks for confirmation, then replays the shown execution.
    void replay();

Q_SIGNALS:
    // The replay started as execution replayId (0 when it was not yet recorded when the answer came).
    void replayStarted(qint64 connectionId, qint64 originalId, qint64 replayId);
    // A link was followed: show that execution.
    void executionLinkActivated(qint64 connectionId, qint64 executionId);
    void errorOccurred(const QString &message);

private:
    void updateState();

    OpsApi *m_ops;
    QLabel *m_linkLabel;
    QPushButton *m_replayButton;
    std::optional<ExecutionRow> m_row;
    QString m_refused;
    quint64 m_generation = 0; // bumped by each setRow/setExecution: an older lookup's answer is dropped
};

} // namespace patchbay
