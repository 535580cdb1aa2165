#include "OriginOverrides.h"

#include "TemplateText.h"

namespace patchbay {

QUrl OriginOverrides::apply(const QJsonObject &config, const QString &url, const jsonata::Bindings &bindings)
{
    const QJsonObject overrides = config.value(QStringLiteral("originOverrides")).toObject();
    for (auto it = overrides.begin(); it != overrides.end(); ++it) {
        QString origin = it.key();
        if (TemplateText::hasParts(origin)) {
            auto rendered = TemplateText::render(origin, bindings);
            if (!rendered)
                continue;
            origin = rendered.value();
        }
        while (origin.endsWith(QLatin1Char('/')))
            origin.chop(1);
        if (origin.isEmpty() || !url.startsWith(origin))
            continue;
        const QString rest = url.mid(origin.size());
        if (!rest.isEmpty() && !rest.startsWith(QLatin1Char('/')) && !rest.startsWith(QLatin1Char('?')) &&
            !rest.startsWith(QLatin1Char('#'))) {
            continue; // another host that merely starts with the same letters
        }
        QString target = it.value().toString();
        while (target.endsWith(QLatin1Char('/')))
            target.chop(1);
        if (target.isEmpty())
            continue;
        if (url.startsWith(target) && (url.size() == target.size() || url.at(target.size()) == QLatin1Char('/') ||
                                       url.at(target.size()) == QLatin1Char('?')))
            return QUrl(url);
        return QUrl(target + rest);
    }
    return QUrl(url);
}

QJsonObject OriginOverrides::withOverride(QJsonObject config, const QString &origin, const QString &target)
{
    QString trimmed = target;
    while (trimmed.endsWith(QLatin1Char('/')))
        trimmed.chop(1);
    QJsonObject overrides = config.value(QStringLiteral("originOverrides")).toObject();
    overrides.insert(origin, trimmed);
    config.insert(QStringLiteral("originOverrides"), overrides);
    return config;
}

QString OriginOverrides::originKey(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    const int port = url.port(scheme == QLatin1String("https") ? 443 : scheme == QLatin1String("http") ? 80 : -1);
    return QStringLiteral("%1://%2:%3").arg(scheme, url.host().toLower()).arg(port);
}

QString OriginOverrides::originOf(const QString &urlTemplate)
{
    qsizetype start = 0;
    const qsizetype scheme = urlTemplate.indexOf(QLatin1String("://"));
    const qsizetype firstPart = urlTemplate.indexOf(QLatin1String("{{"));
    if (scheme >= 0 && (firstPart < 0 || scheme < firstPart))
        start = scheme + 3;
    int depth = 0;
    for (qsizetype i = start; i < urlTemplate.size(); ++i) {
        if (urlTemplate.mid(i, 2) == QLatin1String("{{")) {
            ++depth;
            ++i;
        } else if (depth > 0 && urlTemplate.mid(i, 2) == QLatin1String("}}")) {
            --depth;
            ++i;
        } else if (depth == 0 && (urlTemplate.at(i) == QLatin1Char('/') || urlTemplate.at(i) == QLatin1Char('?') ||
                                  urlTemplate.at(i) == QLatin1Char('#'))) {
            return urlTemplate.left(i);
        }
    }
    return urlTemplate;
}

} // namespace patchbay
