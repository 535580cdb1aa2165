#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace patchbay {

// An inline bar at the top of the window for errors the user should read, or a notice of a lasting state (the
// server is being reconnected); closes on request, or when the state it tells of is over (dismiss).
class MessageBar : public QFrame
{
    Q_OBJECT
public:
    explicit MessageBar(QWidget *parent = nullptr);

    void showError(const QString &message);
    void showNotice(const QString &message);
    void dismiss();
    QString text() const;

private:
    QLabel *m_label;
    QToolButton *m_closeButton;
};

} // namespace patchbay
