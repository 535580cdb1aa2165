#pragma once

#include "ReadSchedule.h"
#include "core/Mapping.h"

#include <QList>
#include <QString>

namespace patchbay {

struct ReadObjectSpec
{
    QString object;
    QString destination = QStringLiteral("records");
    MappingTree mapping;
    ReadSchedule schedule; // not set: read only when asked (sync now)
    BackfillStart since;   // where the first read starts; not set: the whole history
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
