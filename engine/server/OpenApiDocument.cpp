#include "OpenApiDocument.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace patchbay::OpenApiDocument {

namespace {

// A plain (unquoted) scalar is typed as YAML 1.2's core schema types it; a quoted one is always a string.
QJsonValue scalarValue(const YAML::Node &node)
{
    const QString text = QString::fromStdString(node.Scalar());
    if (node.Tag() != "?")
        return text;
    if (text == QLatin1String("true") || text == QLatin1String("false"))
        return text == QLatin1String("true");
    if (text.isEmpty() || text == QLatin1String("null") || text == QLatin1String("~"))
        return QJsonValue(QJsonValue::Null);
    bool ok = false;
    const qint64 integer = text.toLongLong(&ok);
    if (ok)
        return integer;
    const double number = text.toDouble(&ok);
    if (ok && std::isfinite(number))
        return number;
    return text;
}

QJsonValue toJson(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject object;
        for (const auto &entry : node)
            object.insert(QString::fromStdString(entry.first.Scalar()), toJson(entry.second));
        return object;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray array;
        for (const auto &item : node)
            array.append(toJson(item));
        return array;
    }
    case YAML::NodeType::Scalar:
        return scalarValue(node);
    default:
        return QJsonValue(QJsonValue::Null);
    }
}

Result<QJsonObject> readYaml(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("openapi.bad_file", QStringLiteral("Cannot read %1.").arg(path));
    try {
        const QJsonValue value = toJson(YAML::Load(file.readAll().toStdString()));
        if (!value.isObject())
            return makeError("openapi.bad_file", QStringLiteral("%1 is not a YAML mapping.").arg(path));
        return value.toObject();
    } catch (const YAML::Exception &e) {
        return makeError("openapi.bad_file", QStringLiteral("%1: %2").arg(path, QString::fromStdString(e.what())));
    }
}

// Adds every member of part to whole; a member whole has already is the error.
Result<void> mergeInto(QJsonObject &whole, const QJsonObject &part, const QString &what, const QString &file)
{
    for (auto it = part.constBegin(); it != part.constEnd(); ++it) {
        if (whole.contains(it.key()))
            return makeError("openapi.duplicate",
                             QStringLiteral("%1: %2 %3 is defined twice.").arg(file, what, it.key()));
        whole.insert(it.key(), it.value());
    }
    return {};
}

} // namespace

Result<QJsonObject> load(const QString &directory)
{
    auto head = readYaml(directory + QStringLiteral("/openapi.yaml"));
    if (!head)
        return head;
    QJsonObject document = head.value();
    QJsonObject paths = document.value(QStringLiteral("paths")).toObject();
    QJsonObject components = document.value(QStringLiteral("components")).toObject();
    const QStringList files =
        QDir(directory + QStringLiteral("/paths")).entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        const QString path = directory + QStringLiteral("/paths/") + name;
        auto part = readYaml(path);
        if (!part)
            return part;
        if (auto merged = mergeInto(paths, part->value(QStringLiteral("paths")).toObject(), QStringLiteral("path"),
                                    path);
            !merged)
            return merged.error();
        // Each kind of component (schemas, headers, ...) is merged like the paths.
        const QJsonObject partComponents = part->value(QStringLiteral("components")).toObject();
        for (auto kind = partComponents.constBegin(); kind != partComponents.constEnd(); ++kind) {
            QJsonObject merged = components.value(kind.key()).toObject();
            if (auto added = mergeInto(merged, kind.value().toObject(), kind.key(), path); !added)
                return added.error();
            components.insert(kind.key(), merged);
        }
    }
    document.insert(QStringLiteral("components"), components);
    document.insert(QStringLiteral("paths"), paths);
    return document;
}

Result<QJsonObject> builtIn()
{
    static const Result<QJsonObject> document = load(QStringLiteral(":/patchbay/openapi"));
    return document;
}

} // namespace patchbay::OpenApiDocument
