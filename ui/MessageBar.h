#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace patchbay {

// An inline bar at the top of the window for errors the user should read; closes on request.
class MessageBar : public QFrame
{
    Q_OBJECT
public:
    explicit MessageBar(QWidget *parent = nullptr);

    void showError(const QString &message);
    QString text() const;

private:
    QLabel *m_label;
    QToolButton *m_closeButton;
};

} // namespace patchbay
