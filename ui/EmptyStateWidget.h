#pragma once

#include <QPointer>
#include <QStackedWidget>

class QAbstractItemModel;
class QLabel;

namespace patchbay {

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
    // Shows the message whenever the model has no rows.
    void followModel(QAbstractItemModel *model);

private:
    void updateFromModel();

    QWidget *m_content;
    QLabel *m_label;
    QPointer<QAbstractItemModel> m_model;
};

} // namespace patchbay
