#pragma once

// Records as synced: stored, their changes, failed to map, written, and the fields schema discovery found.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QString>

namespace patchbay {

struct StoredRecord
{
    QString recordId;
    QByteArray data; // JSON
    QString updatedAt;
};

namespace RecordChangeKind {
inline const QString Created = QStringLiteral("created");
// Only when the mapped record differs from the stored one: reading the same record again is no change.
inline const QString Updated = QStringLiteral("updated");
// The provider deleted it (a read or a webhook said so), or a complete full pass no longer found it.
inline const QString Deleted = QStringLiteral("deleted");
} // namespace RecordChangeKind

// One entry of the change log of stored records (RecordStore::changes): what happened to one record, in which
// execution, and the mapped record after it.
struct RecordChange
{
    qint64 sequence = 0; // increases with every change in the database; a feed's position
    QString change;      // RecordChangeKind
    qint64 connectionId = 0;
    QString object;
    QString recordId;
    qint64 executionId = 0; // 0 when not known
    QDateTime changedAt;
    QByteArray data; // the mapped record after the change (JSON); empty for a deletion
};

// A page of an object's change log, oldest change first.
struct RecordChangePage
{
    QList<RecordChange> changes;
    bool hasMore = false; // more changes follow the last one on this page
};

// A provider record whose mapping failed: kept raw, with its per-field errors, until it maps.
struct FailedRecord
{
    qint64 id = 0;
    qint64 executionId = 0;
    QString object;
    QString recordId;
    QString updatedAt;
    QByteArray raw;   // JSON as the provider sent it
    QJsonArray errors; // [{field, code, position, message}]
    QDateTime createdAt;
    QDateTime resolvedAt;

    bool operator==(const FailedRecord &) const = default;
};

// One record of a write execution and what the provider said about it.
struct WriteItem
{
    qint64 id = 0;
    qint64 executionId = 0;
    QString object;
    QString key;        // the product's id of the record
    QString operation;  // create | update
    QString providerId; // the provider's id: known before an update, returned by a create
    QString status;     // succeeded | failed
    QString errorCode;
    QString errorMessage;
    QByteArray payload; // the product record as given (JSON)
    QByteArray sent;    // what was sent, in the provider's shape (JSON), when it got that far
    QDateTime createdAt;

    bool operator==(const WriteItem &) const = default;
};

// One field of a provider object, as schema discovery found it.
struct SchemaField
{
    QString name;
    QString label;
    QString type;
    bool custom = false;
};

} // namespace patchbay
