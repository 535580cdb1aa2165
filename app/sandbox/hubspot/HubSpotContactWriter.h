#pragma once

#include "HubSpotContactStore.h"
#include "server/HttpService.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace patchbay::sandbox {

// The CRM v3 writes to the contacts of one authenticated portal:
//   POST  /crm/v3/objects/contacts               {properties}                                -> 201 the contact
//   PATCH /crm/v3/objects/contacts/{id}          {properties}                                -> 200 the contact
//   POST  /crm/v3/objects/contacts/batch/create  {inputs[{properties[, objectWriteTraceId]}]}     -> 201 | 207
//   POST  /crm/v3/objects/contacts/batch/update  {inputs[{id, properties[, objectWriteTraceId]}]} -> 200 | 207
//
// Confirmed in HubSpot's documentation (CRM objects guide "Error handling" and "Limits", the error handling guide,
// the contacts batch reference and the generated hubspot-api-nodejs BatchApi, changelog "Simplifying batch update
// response codes"):
// - Batch endpoints take at most 100 inputs. Batch create answers 201, batch update 200, and both 207 Multi-Status
//   with {status:"COMPLETE", results, numErrors, errors[{status:"error", category, message, context}], startedAt,
//   completedAt} when some inputs fail.
// - Batch create only answers 207 when multi-status is enabled by a unique objectWriteTraceId on each input; a
//   failed input's error carries context {objectWriteTraceId: [id]}.
// - An unknown property answers 400 VALIDATION_ERROR with the message "Property values were not valid: [...]" and
//   errors [{message, code: PROPERTY_DOESNT_EXIST, context{propertyName[]}}].
// - A create with an email that another contact has answers 409 {category: "CONFLICT", message: "Contact already
//   exists. Existing ID: N"} (as HubSpot answers in reported issues; not in the reference pages).
// Chosen where the documentation is silent:
// - Without objectWriteTraceId on every input, batch create is all or nothing: the first failing input's error is
//   the whole answer (400 or 409) and nothing is created. Batch update always reports per input, as the 2020
//   changelog says; unknown ids are grouped in one OBJECT_NOT_FOUND error with context {ids}.
// - Other refused values: READ_ONLY_VALUE (lastmodifieddate, hs_object_id), INVALID_EMAIL, INVALID_OPTION
//   (enumerations); number, date and bool values are not checked. Two inputs of one all-or-nothing batch with the
//   same email answer 400; with multi-status the later one conflicts with the contact the earlier one created. An
//   update that changes no value leaves lastmodifieddate as it was.
class HubSpotContactWriter
{
public:
    static constexpr int kMaxBatchInputs = 100;

    HubSpotContactWriter(HubSpotContactStore &store, qint64 hubId) : m_store(store), m_hubId(hubId) {}

    HttpServerResponse create(const QByteArray &body, const QDateTime &now);
    HttpServerResponse update(const QString &id, const QByteArray &body, const QDateTime &now);
    HttpServerResponse batchCreate(const QByteArray &body, const QDateTime &now);
    HttpServerResponse batchUpdate(const QByteArray &body, const QDateTime &now);

private:
    // Why one record was not written.
    struct Failure
    {
        int status = 400;
        QString category;
        QString message;
        QJsonArray errors;
    };

    // Problems with the values first, then an email that another live contact holds.
    std::optional<Failure> check(const HubSpotPropertyValues &parsed, qint64 selfId) const;
    QJsonObject written(qint64 id, const HubSpotPropertyValues &parsed) const;
    static HttpServerResponse respond(const Failure &failure);
    static QJsonObject batchError(const Failure &failure, const QJsonObject &context);
    static HttpServerResponse batchAnswer(int okStatus, const QJsonArray &results, const QJsonArray &errors,
                                          const QDateTime &startedAt);
    // The inputs array of a batch body, or the answer that refuses the body.
    static std::optional<HttpServerResponse> readInputs(const QByteArray &body, QJsonArray *inputs);

    HubSpotContactStore &m_store;
    qint64 m_hubId = 0;
};

} // namespace patchbay::sandbox
