#pragma once

#include "DefinitionError.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <yaml-cpp/yaml.h>

namespace patchbay {

// Walks a YAML tree, collecting errors with file:line:col instead of stopping at the first one.
// Shared by the loaders of provider definitions and integration manifests.
class YamlReader
{
public:
    explicit YamlReader(QString file) : m_file(std::move(file)) {}

    QList<DefinitionError> errors;

    static QString str(const std::string &s) { return QString::fromStdString(s); }

    void error(const YAML::Mark &mark, const QString &message);
    bool expectMap(const YAML::Node &node, const QString &what);
    void checkKeys(const YAML::Node &map, const QString &what, const QStringList &allowed);
    QString string(const YAML::Node &map, const char *key, const QString &what, bool required,
                   const QString &fallback = {});
    QString oneOf(const YAML::Node &map, const char *key, const QString &what, const QStringList &choices,
                  bool required, const QString &fallback = {});
    int integer(const YAML::Node &map, const char *key, const QString &what, int fallback, int min, int max);
    bool boolean(const YAML::Node &map, const char *key, const QString &what, bool fallback);
    QStringList stringList(const YAML::Node &map, const char *key, const QString &what);
    void url(const YAML::Node &map, const char *key, const QString &value);

private:
    QString m_file;
};

} // namespace patchbay
