#include "EmptyStateWidget.h"

#include "PendingCalls.h"

#include <QAbstractItemModel>
#include <QLabel>

namespace patchbay {

EmptyStateWidget::EmptyStateWidget(QWidget *content, const QString &message, QWidget *parent)
    : QStackedWidget(parent), m_content(content), m_label(new QLabel(message, this)), m_message(message)
{
    m_label->setObjectName(QStringLiteral("emptyStateLabel"));
    m_label->setAlignment(Qt::AlignCenter);
    m_label->setWordWrap(true);
    m_label->setMargin(24);
    m_label->setForegroundRole(QPalette::PlaceholderText);
    m_label->setAutoFillBackground(true);
    m_label->setBackgroundRole(QPalette::Base);
    addWidget(m_content);
    addWidget(m_label);
    showMessage();
}

void EmptyStateWidget::setMessage(const QString &message)
{
    m_message = message;
    if (!(m_calls && !m_calls->isEmpty()))
        m_label->setText(message);
}

QString EmptyStateWidget::message() const
{
    return m_message;
}

bool EmptyStateWidget::isShowingMessage() const
{
    return currentWidget() == m_label;
}

void EmptyStateWidget::showContent()
{
    setCurrentWidget(m_content);
}

void EmptyStateWidget::showMessage()
{
    setCurrentWidget(m_label);
}

void EmptyStateWidget::followModel(QAbstractItemModel *model, PendingCalls *calls)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    if (m_calls)
        disconnect(m_calls, nullptr, this, nullptr);
    m_model = model;
    m_calls = calls;
    if (calls)
        connect(calls, &PendingCalls::loadingChanged, this, &EmptyStateWidget::updateFromModel);
    connect(model, &QAbstractItemModel::modelReset, this, &EmptyStateWidget::updateFromModel);
    connect(model, &QAbstractItemModel::rowsInserted, this, &EmptyStateWidget::updateFromModel);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &EmptyStateWidget::updateFromModel);
    connect(model, &QAbstractItemModel::layoutChanged, this, &EmptyStateWidget::updateFromModel);
    updateFromModel();
}

void EmptyStateWidget::updateFromModel()
{
    const bool loading = m_calls && !m_calls->isEmpty();
    m_label->setText(loading ? QStringLiteral("Loading\u2026") : m_message);
    if (m_model && m_model->rowCount() > 0)
        showContent();
    else
        showMessage();
}

} // namespace patchbay
