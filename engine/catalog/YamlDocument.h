#pragma once

#include "DefinitionError.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

#include <yaml-cpp/yaml.h>

namespace patchbay {

// The one way a YAML file of ours (provider definition, integration manifest) becomes a tree, so that every
// loader path (console, CLI, server) refuses the same mistaken or hostile input, each with file:line:col:
// anything but a regular file, more than kMaxFileBytes, a NUL byte, bytes that are not UTF-8, nesting deeper
// than kMaxDepth, aliases that expand past kMaxNodes values, and a key given twice in one mapping (YAML says
// keys are unique; a parser that keeps the first value would silently ignore the second).
class YamlDocument
{
public:
    static constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024;
    static constexpr int kMaxDepth = 64;
    static constexpr int kMaxNodes = 1000000;

    static std::optional<QByteArray> readFile(const QString &path, QList<DefinitionError> *errors);
    static std::optional<YAML::Node> parse(const QByteArray &text, const QString &fileName,
                                           QList<DefinitionError> *errors);
};

} // namespace patchbay
