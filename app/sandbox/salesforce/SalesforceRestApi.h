#pragma once

#include "SalesforceOrg.h"
#include "server/HttpService.h"

#include <QHash>
#include <QStringList>

namespace patchbay::sandbox {

// The REST API of an already-authenticated org under /services/data/v59.0:
//   GET  /query?q=SOQL, /queryAll?q=SOQL        records in batches (Sforce-Query-Options: batchSize=200..2000,
//   GET  /query/{locator}, /queryAll/{locator}  default 2000); nextRecordsUrl while done is false
//   GET  /sobjects, /sobjects/{Object}/describe
//   POST /sobjects/{Object}                     one record: 201 {id, success, errors} or 400 error array
//   POST /composite/sobjects                    up to 200 records, allOrNone false by default: 200 with one
//                                               SaveResult {id, success, errors[]} per record
// Query locators are kept per emulator, so nextRecordsUrl works as is, with no parameters.
class SalesforceRestApi
{
public:
    static constexpr int kDefaultBatchSize = 2000;
    static constexpr int kMinBatchSize = 200;
    static constexpr int kMaxCollectionRecords = 200;

    static QString apiPath() { return QStringLiteral("/services/data/v59.0"); }
    // Salesforce's error body: [{"message", "errorCode"[, "fields"]}].
    static HttpServerResponse error(int status, const QString &errorCode, const QString &message,
                                    const QStringList &fields = {});

    HttpServerResponse handle(const HttpServerRequest &request, const QString &orgName, SalesforceOrg &org,
                              const QDateTime &now);

private:
    struct Cursor
    {
        QString org;
        QString object;
        QStringList fields;
        QStringList ids;
        int batchSize = kDefaultBatchSize;
    };

    HttpServerResponse query(const HttpServerRequest &request, const QString &resource, const QString &orgName,
                             const SalesforceOrg &org);
    HttpServerResponse page(const QString &resource, const QString &locator, const QString &orgName,
                            const SalesforceOrg &org) const;
    HttpServerResponse createOne(const HttpServerRequest &request, const QString &objectName, SalesforceOrg &org,
                                 const QDateTime &now) const;
    HttpServerResponse updateOne(const HttpServerRequest &request, const QString &objectName, const QString &id,
                                 SalesforceOrg &org, const QDateTime &now) const;
    HttpServerResponse updateCollection(const HttpServerRequest &request, SalesforceOrg &org, const QDateTime &now) const;
    HttpServerResponse createCollection(const HttpServerRequest &request, SalesforceOrg &org,
                                        const QDateTime &now) const;
    static HttpServerResponse listObjects(const SalesforceOrg &org);

    QHash<QString, Cursor> m_cursors;
    int m_nextCursor = 1;
};

} // namespace patchbay::sandbox
