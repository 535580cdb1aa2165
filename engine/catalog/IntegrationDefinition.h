#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace patchbay {

// A mapping is a tree of product fields whose leaves are JSONata expressions over one provider record
// (or, reversed, over one product record). Nested objects build nested output.
using MappingTree = QJsonObject;

struct ReadObjectSpec
{
    QString object;
    QString destination = QStringLiteral("records");
    MappingTree mapping;
};

struct WriteObjectSpec
{
    QString object;
    MappingTree reverseMapping;
};

// A product's declared use of one provider (an entry of an integration manifest).
struct IntegrationDefinition
{
    QString name;
    QString provider;
    QList<ReadObjectSpec> read;
    QList<WriteObjectSpec> write;
    QString sourceFile;

    const ReadObjectSpec *readObject(const QString &object) const;
    const WriteObjectSpec *writeObject(const QString &object) const;
};

} // namespace patchbay
