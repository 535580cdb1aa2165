#include "MessageBar.h"

#include "DisplayFormat.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace patchbay {

MessageBar::MessageBar(QWidget *parent)
    : QFrame(parent), m_label(new QLabel(this)), m_closeButton(new QToolButton(this))
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);

    m_label->setObjectName(QStringLiteral("messageLabel"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_closeButton->setObjectName(QStringLiteral("closeMessageToolButton"));
    m_closeButton->setAutoRaise(true);
    m_closeButton->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_closeButton->setToolTip(QStringLiteral("Dismiss"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_closeButton, 0, Qt::AlignTop);

    connect(m_closeButton, &QToolButton::clicked, this, &MessageBar::hide);
    hide();
}

void MessageBar::showError(const QString &message)
{
    QPalette colours = palette();
    const QColor error = DisplayFormat::healthColor(ConnectionHealth::Failing, colours);
    colours.setColor(QPalette::Window, DisplayFormat::statusBackgroundColor(error, colours));
    colours.setColor(QPalette::WindowText, error);
    setPalette(colours);
    m_label->setText(message);
    show();
}

void MessageBar::showNotice(const QString &message)
{
    // The system's own colours for a passing note, so that a dark theme stays readable.
    QPalette colours = QWidget::palette();
    colours.setColor(QPalette::Window, colours.color(QPalette::ToolTipBase));
    colours.setColor(QPalette::WindowText, colours.color(QPalette::ToolTipText));
    setPalette(colours);
    m_label->setText(message);
    show();
}

void MessageBar::dismiss()
{
    m_label->clear();
    hide();
}

QString MessageBar::text() const
{
    return m_label->text();
}

} // namespace patchbay
