#pragma once

#include <QPointer>
#include <QStackedWidget>

class QAbstractItemModel;
class QLabel;

namespace patchbay {

class PendingCalls;

// Shows a view, or in its place a short message that says what to do when there is nothing to show.
class EmptyStateWidget : public QStackedWidget
{
    Q_OBJECT
public:
    EmptyStateWidget(QWidget *content, const QString &message, QWidget *parent = nullptr);

    void setMessage(const QString &message);
    QString message() const;
    bool isShowingMessage() const;

    void showContent();
    void showMessage();
    // Shows the message whenever the model has no rows, and "Loading…" instead while it has none yet because
    // the model's calls are still out.
    void followModel(QAbstractItemModel *model, PendingCalls *calls = nullptr);

private:
    void updateFromModel();

    QWidget *m_content;
    QLabel *m_label;
    QString m_message;
    QPointer<QAbstractItemModel> m_model;
    QPointer<PendingCalls> m_calls;
};

} // namespace patchbay
