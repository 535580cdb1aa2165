#include "YamlReader.h"

#include <QUrl>

namespace patchbay {

void YamlReader::error(const YAML::Mark &mark, const QString &message)
{
    errors.append(DefinitionError{m_file, mark.line + 1, mark.column + 1, message});
}

bool YamlReader::expectMap(const YAML::Node &node, const QString &what)
{
    if (node.IsMap())
        return true;
    error(node.Mark(), QStringLiteral("%1 must be a mapping (key: value lines)").arg(what));
    return false;
}

void YamlReader::checkKeys(const YAML::Node &map, const QString &what, const QStringList &allowed)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString key = str(it->first.Scalar());
        if (!allowed.contains(key)) {
            error(it->first.Mark(), QStringLiteral("unknown field '%1' in %2; expected one of: %3")
                                        .arg(key, what, allowed.join(QStringLiteral(", "))));
        }
    }
}

int YamlReader::integer(const YAML::Node &map, const char *key, const QString &what, int fallback, int min, int max)
{
    const YAML::Node node = map[key];
    if (!node)
        return fallback;
    bool ok = false;
    const int value = node.IsScalar() ? str(node.Scalar()).toInt(&ok) : 0;
    if (!ok || value < min || value > max) {
        error(node.Mark(), QStringLiteral("'%1' in %2 must be a whole number from %3 to %4")
                               .arg(QLatin1String(key), what)
                               .arg(min)
                               .arg(max));
        return fallback;
    }
    return value;
}

bool YamlReader::boolean(const YAML::Node &map, const char *key, const QString &what, bool fallback)
{
    const YAML::Node node = map[key];
    if (!node)
        return fallback;
    const QString value = node.IsScalar() ? str(node.Scalar()) : QString();
    if (value == QLatin1String("true"))
        return true;
    if (value == QLatin1String("false"))
        return false;
    error(node.Mark(), QStringLiteral("'%1' in %2 must be true or false").arg(QLatin1String(key), what));
    return fallback;
}

QStringList YamlReader::stringList(const YAML::Node &map, const char *key, const QString &what)
{
    const YAML::Node node = map[key];
    QStringList list;
    if (!node)
        return list;
    if (!node.IsSequence()) {
        error(node.Mark(), QStringLiteral("'%1' in %2 must be a list").arg(QLatin1String(key), what));
        return list;
    }
    for (const YAML::Node &item : node) {
        if (item.IsScalar())
            list.append(str(item.Scalar()));
        else
            error(item.Mark(), QStringLiteral("items of '%1' must be single values").arg(QLatin1String(key)));
    }
    return list;
}

void YamlReader::url(const YAML::Node &map, const char *key, const QString &value)
{
    if (value.isEmpty())
        return;
    const QUrl parsed(value, QUrl::StrictMode);
    if (!parsed.isValid() || !(parsed.scheme() == QLatin1String("https") || parsed.scheme() == QLatin1String("http"))
        || parsed.host().isEmpty()) {
        error(map[key].Mark(), QStringLiteral("'%1' must be an absolute http(s) URL (found '%2')")
                                   .arg(QLatin1String(key), value));
    }
}

QString YamlReader::string(const YAML::Node &map, const char *key, const QString &what, bool required,
               const QString &fallback)
{
    const YAML::Node node = map[key];
    if (!node) {
        if (required)
            error(map.Mark(), QStringLiteral("%1 needs the field '%2'").arg(what, QLatin1String(key)));
        return fallback;
    }
    if (!node.IsScalar()) {
        error(node.Mark(), QStringLiteral("'%1' in %2 must be a single value").arg(QLatin1String(key), what));
        return fallback;
    }
    return str(node.Scalar());
}

QString YamlReader::oneOf(const YAML::Node &map, const char *key, const QString &what, const QStringList &choices,
              bool required, const QString &fallback)
{
    const QString value = string(map, key, what, required, fallback);
    if (map[key] && !choices.contains(value)) {
        error(map[key].Mark(), QStringLiteral("'%1' must be one of: %2 (found '%3')")
                                   .arg(QLatin1String(key), choices.join(QStringLiteral(", ")), value));
    }
    return value;
}

} // namespace patchbay
