#pragma once

#include <QDateTime>
#include <QDialog>

#include <optional>

class QDateEdit;
class QLabel;
class QRadioButton;

namespace patchbay {

// Asks how far back a full resync of a connection reads — its whole history, or since a date — and says what will
// happen before it starts (OpsApi::fullResync). Non-modal for its caller: take the answer from accepted().
class FullResyncDialog : public QDialog
{
    Q_OBJECT
public:
    FullResyncDialog(const QString &connectionName, QWidget *parent = nullptr);

    // Where the read starts: nullopt for the whole history, else the start of the chosen day (local time) in UTC.
    std::optional<QDateTime> since() const;
    // What the dialog says will happen, as it now reads.
    QString consequence() const;

private:
    void updateConsequence();

    QString m_connectionName;
    QRadioButton *m_wholeHistoryRadioButton;
    QRadioButton *m_sinceRadioButton;
    QDateEdit *m_sinceDateEdit;
    QLabel *m_consequenceLabel;
};

} // namespace patchbay
