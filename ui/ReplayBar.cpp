#include "ReplayBar.h"

#include "CommandButton.h"
#include "Confirmation.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace patchbay {

namespace {

bool isRead(const ExecutionRow &row)
{
    return row.execution.kind == QLatin1String("read") || row.execution.kind == QLatin1String("backfill");
}

bool isWrite(const ExecutionRow &row)
{
    return row.execution.kind == QLatin1String("write");
}

QString link(qint64 executionId, const QString &text)
{
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(executionId).arg(text.toHtmlEscaped());
}

} // namespace

ReplayBar::ReplayBar(OpsApi *ops, QWidget *parent)
    : QWidget(parent), m_ops(ops), m_linkLabel(new QLabel(this)),
      m_replayButton(new QPushButton(QStringLiteral("Replay\u2026"), this))
{
    m_linkLabel->setObjectName(QStringLiteral("replayLinkLabel"));
    m_linkLabel->setTextFormat(Qt::RichText);
    m_linkLabel->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_replayButton->setObjectName(QStringLiteral("replayButton"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_linkLabel);
    layout->addWidget(m_replayButton);

    connect(m_linkLabel, &QLabel::linkActivated, this, [this](const QString &target) {
        if (m_row)
            Q_EMIT executionLinkActivated(m_row->execution.connectionId, target.toLongLong());
    });
    connect(m_replayButton, &QPushButton::clicked, this, &ReplayBar::replay);
    // A replay can start only when the connection runs nothing else: follow its executions.
    for (auto signal : {&OpsApi::executionStarted, &OpsApi::connectionChanged})
        connect(m_ops, signal, this, &ReplayBar::updateState);
    updateState();
}

void ReplayBar::setRow(const std::optional<ExecutionRow> &row)
{
    ++m_generation;
    m_row = row;
    updateState();
}

void ReplayBar::setExecution(qint64 connectionId, qint64 executionId)
{
    // The same execution again (a refresh) keeps showing until its new row comes: no flicker.
    if (m_row && m_row->execution.id == executionId && executionId != 0)
        ++m_generation;
    else
        setRow(std::nullopt);
    if (executionId == 0)
        return;
    // The connection's executions from just above this one down, newest first: the first is this one.
    ExecutionFilter filter;
    filter.connectionId = connectionId;
    filter.beforeId = executionId + 1;
    filter.limit = 1;
    m_ops->findExecutions(filter).then(
        this, [this, generation = m_generation, executionId](const Result<QList<ExecutionRow>> &rows) {
            if (generation != m_generation)
                return;
            if (!rows) {
                Q_EMIT errorOccurred(rows.error().message);
                return;
            }
            if (!rows->isEmpty() && rows->first().execution.id == executionId)
                setRow(rows->first());
        });
}

void ReplayBar::setCommandsRefused(const QString &why)
{
    m_refused = why;
    updateState();
}

bool ReplayBar::canReplay(const ExecutionRow &row)
{
    return (isRead(row) || isWrite(row)) && row.outcome != ExecutionOutcome::Succeeded &&
           row.outcome != ExecutionOutcome::Running;
}

QString ReplayBar::confirmationText(const ExecutionRow &row)
{
    const QString whose = QStringLiteral("%1 (%2, %3)").arg(row.tenantName, row.connectionName, row.provider);
    const qint64 original = row.execution.id;
    if (isWrite(row)) {
        return QStringLiteral("Writes the %1 failed items of run #%2 to %3 again, through the current reverse mapping, "
                              "as a new run linked to run #%2. Items written since are left out; the connection's "
                              "other failed writes are not sent.")
            .arg(row.recordsFailed)
            .arg(original)
            .arg(whose);
    }
    const QString object = row.execution.object.isEmpty() ? QStringLiteral("every object") : row.execution.object;
    return QStringLiteral("Reads %1 of %2 again as a new run linked to run #%3, from the connection's cursor. Records "
                          "read are stored as a sync stores them.")
        .arg(object, whose)
        .arg(original);
}

bool ReplayBar::isReplayEnabled() const
{
    return m_row && canReplay(*m_row) && m_replayButton->isEnabled();
}

void ReplayBar::replay()
{
    if (!m_row || !canReplay(*m_row))
        return;
    const ExecutionRow row = *m_row;
    if (!confirmCommand(this, QStringLiteral("replayConfirmBox"),
                        QStringLiteral("Replay run #%1").arg(row.execution.id), confirmationText(row),
                        QStringLiteral("Replay")))
        return;
    m_ops->replayExecution(row.execution.id).then(this, [this, row](const Result<CommandStarted> &answer) {
        if (!answer) {
            Q_EMIT errorOccurred(
                QStringLiteral("Replay of run #%1 refused: %2").arg(row.execution.id).arg(answer.error().message));
            return;
        }
        Q_EMIT replayStarted(row.execution.connectionId, row.execution.id, answer->executionId);
    });
    updateState();
}

void ReplayBar::updateState()
{
    QStringList links;
    if (m_row && m_row->replayOf != 0)
        links.append(link(m_row->replayOf, QStringLiteral("Replay of #%1").arg(m_row->replayOf)));
    if (m_row && m_row->replayedBy != 0)
        links.append(link(m_row->replayedBy, QStringLiteral("Replayed by #%1").arg(m_row->replayedBy)));
    m_linkLabel->setText(links.join(QStringLiteral(" \u00b7 ")));
    m_linkLabel->setVisible(!links.isEmpty());
    const bool replayable = m_row && canReplay(*m_row);
    m_replayButton->setVisible(replayable);
    if (!replayable)
        return;
    const bool busy = m_ops->isBusy(m_row->execution.connectionId);
    CommandButton::setToolTip(m_replayButton, busy ? QStringLiteral("The connection is running another execution")
                                                   : QStringLiteral("Runs this failed run again as a new run linked "
                                                                    "to it"));
    CommandButton::update(m_replayButton, !busy && m_refused.isEmpty(), m_refused);
}

} // namespace patchbay
