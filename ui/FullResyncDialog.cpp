#include "FullResyncDialog.h"

#include <QDateEdit>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace patchbay {

namespace {

constexpr int kDefaultDaysBack = 30;

} // namespace

FullResyncDialog::FullResyncDialog(const QString &connectionName, QWidget *parent)
    : QDialog(parent), m_connectionName(connectionName),
      m_wholeHistoryRadioButton(new QRadioButton(QStringLiteral("The whole history"), this)),
      m_sinceRadioButton(new QRadioButton(QStringLiteral("Since"), this)), m_sinceDateEdit(new QDateEdit(this)),
      m_consequenceLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("fullResyncDialog"));
    setWindowTitle(QStringLiteral("Full resync of %1").arg(connectionName));
    m_wholeHistoryRadioButton->setObjectName(QStringLiteral("wholeHistoryRadioButton"));
    m_sinceRadioButton->setObjectName(QStringLiteral("sinceRadioButton"));
    m_sinceDateEdit->setObjectName(QStringLiteral("sinceDateEdit"));
    m_sinceDateEdit->setCalendarPopup(true);
    m_sinceDateEdit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    const QDate today = QDate::currentDate();
    m_sinceDateEdit->setMaximumDate(today); // a read starts from what exists
    m_sinceDateEdit->setDate(today.addDays(-kDefaultDaysBack));
    m_wholeHistoryRadioButton->setChecked(true);
    m_sinceDateEdit->setEnabled(false);
    m_consequenceLabel->setObjectName(QStringLiteral("consequenceLabel"));
    m_consequenceLabel->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *start = buttons->addButton(QStringLiteral("Start full resync"), QDialogButtonBox::AcceptRole);
    start->setObjectName(QStringLiteral("startFullResyncButton"));
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);

    auto *sinceRow = new QHBoxLayout;
    sinceRow->addWidget(m_sinceRadioButton);
    sinceRow->addWidget(m_sinceDateEdit);
    sinceRow->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("Read every object of %1 again, from:").arg(connectionName), this));
    layout->addWidget(m_wholeHistoryRadioButton);
    layout->addLayout(sinceRow);
    layout->addSpacing(8);
    layout->addWidget(m_consequenceLabel);
    layout->addWidget(buttons);

    connect(m_sinceRadioButton, &QRadioButton::toggled, m_sinceDateEdit, &QWidget::setEnabled);
    connect(m_sinceRadioButton, &QRadioButton::toggled, this, &FullResyncDialog::updateConsequence);
    connect(m_sinceDateEdit, &QDateEdit::dateChanged, this, &FullResyncDialog::updateConsequence);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateConsequence();
    setMinimumWidth(440);
}

std::optional<QDateTime> FullResyncDialog::since() const
{
    if (!m_sinceRadioButton->isChecked())
        return std::nullopt;
    return QDateTime(m_sinceDateEdit->date(), QTime(0, 0)).toUTC();
}

QString FullResyncDialog::consequence() const
{
    const QString from = m_sinceRadioButton->isChecked()
                             ? QLocale::c().toString(m_sinceDateEdit->date(), QStringLiteral("MMMM d, yyyy"))
                             : QStringLiteral("the start of its history");
    return QStringLiteral("Reads every object of %1 again from %2; records already stored are updated, nothing is "
                          "deleted. It may take long and use the provider's rate limit.")
        .arg(m_connectionName, from);
}

void FullResyncDialog::updateConsequence()
{
    m_consequenceLabel->setText(consequence());
}

} // namespace patchbay
