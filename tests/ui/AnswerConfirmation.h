#pragma once

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QTest>
#include <QTimer>

#include <memory>

namespace patchbay {

// Clicks a command's button and answers the confirmation it opens (modal: answered from the event loop it runs),
// accepting or cancelling; the confirmation's text, empty when none opened. With PATCHBAY_SCREENSHOT_DIR set and a
// screenshot name, the box is saved there as the user saw it.
inline QString clickAndAnswer(QObject *context, QAbstractButton *button, bool accept, const QString &screenshot = {})
{
    auto text = std::make_shared<QString>(); // shared: a timer that fires after a failed check must not dangle
    QTimer::singleShot(0, context, [text, accept, screenshot] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        *text = box->text();
        if (const QByteArray path = qgetenv("PATCHBAY_SCREENSHOT_DIR"); !path.isEmpty() && !screenshot.isEmpty())
            box->grab().save(QString::fromLocal8Bit(path) + QLatin1Char('/') + screenshot);
        for (QAbstractButton *choice : box->buttons()) {
            if ((box->buttonRole(choice) == QMessageBox::AcceptRole) == accept) {
                choice->click();
                return;
            }
        }
    });
    QTest::mouseClick(button, Qt::LeftButton);
    return *text;
}

} // namespace patchbay
