#include "SandboxTestFixture.h"

#include <QRegularExpression>

QHash<QString, QString> SandboxTestFixture::parseLinks(const QByteArray &header)
{
    QHash<QString, QString> links;
    static const QRegularExpression link(QStringLiteral("<([^>]*)>;\\s*rel=\"([a-z]+)\""));
    for (auto it = link.globalMatch(QString::fromLatin1(header)); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        links.insert(match.captured(2), match.captured(1));
    }
    return links;
}
