#include "HubSpotContactWriter.h"

#include "HubSpotResponses.h"
#include "common/SandboxHttp.h"

#include <QJsonDocument>
#include <QSet>

namespace patchbay::sandbox {

namespace {

const QString kTraceId = QStringLiteral("objectWriteTraceId");

// The body as an object, or the answer HubSpot gives to JSON it cannot read.
std::optional<HttpServerResponse> readObject(const QByteArray &body, QJsonObject *object)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.isEmpty() ? QByteArray("{}") : body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return HubSpotResponses::validationError(QStringLiteral("Invalid input JSON on line 1, column %1: %2")
                                                     .arg(parseError.offset + 1)
                                                     .arg(parseError.error == QJsonParseError::NoError
                                                              ? QStringLiteral("expected an object")
                                                              : parseError.errorString()));
    *object = document.object();
    return std::nullopt;
}

QJsonObject traceContext(const QString &traceId, const QString &id)
{
    if (!traceId.isEmpty())
        return {{kTraceId, QJsonArray{traceId}}};
    return {{QStringLiteral("ids"), QJsonArray{id}}};
}

} // namespace

std::optional<HubSpotContactWriter::Failure> HubSpotContactWriter::check(const HubSpotPropertyValues &parsed,
                                                                         qint64 selfId) const
{
    if (!parsed.problems.isEmpty())
        return Failure{400, QStringLiteral("VALIDATION_ERROR"),
                       HubSpotResponses::invalidPropertiesMessage(parsed.problems, m_hubId),
                       HubSpotResponses::invalidPropertiesErrors(parsed.problems)};
    if (const qint64 existing = m_store.contactWithEmail(parsed.values.value(QStringLiteral("email")), selfId))
        return Failure{409,
                       QStringLiteral("CONFLICT"),
                       QStringLiteral("Contact already exists. Existing ID: %1").arg(existing),
                       {}};
    return std::nullopt;
}

QJsonObject HubSpotContactWriter::written(qint64 id, const HubSpotPropertyValues &parsed) const
{
    QStringList names = m_store.type().defaultProperties;
    for (auto it = parsed.values.begin(); it != parsed.values.end(); ++it) {
        if (!names.contains(it.key()))
            names.append(it.key());
    }
    return m_store.recordToJson(*m_store.contact(id), names);
}

HttpServerResponse HubSpotContactWriter::respond(const Failure &failure)
{
    return HubSpotResponses::error(failure.status, failure.category, failure.message, failure.errors);
}

QJsonObject HubSpotContactWriter::batchError(const Failure &failure, const QJsonObject &context)
{
    return {{QStringLiteral("status"), QStringLiteral("error")},
            {QStringLiteral("category"), failure.category},
            {QStringLiteral("message"), failure.message},
            {QStringLiteral("context"), context}};
}

HttpServerResponse HubSpotContactWriter::batchAnswer(int okStatus, const QJsonArray &results, const QJsonArray &errors,
                                                     const QDateTime &startedAt)
{
    QJsonObject body{{QStringLiteral("status"), QStringLiteral("COMPLETE")},
                     {QStringLiteral("results"), results},
                     {QStringLiteral("startedAt"), SandboxHttp::isoTimestamp(startedAt)},
                     {QStringLiteral("completedAt"), SandboxHttp::isoTimestamp(QDateTime::currentDateTimeUtc())}};
    if (errors.isEmpty())
        return HubSpotResponses::json(body, okStatus);
    body.insert(QStringLiteral("numErrors"), errors.size());
    body.insert(QStringLiteral("errors"), errors);
    return HubSpotResponses::json(body, 207);
}

std::optional<HttpServerResponse> HubSpotContactWriter::readInputs(const QByteArray &body, QJsonArray *inputs)
{
    QJsonObject request;
    if (auto refused = readObject(body, &request))
        return refused;
    if (!request.value(QStringLiteral("inputs")).isArray())
        return HubSpotResponses::validationError(QStringLiteral("Invalid input JSON: inputs must be an array"));
    *inputs = request.value(QStringLiteral("inputs")).toArray();
    if (inputs->size() > kMaxBatchInputs)
        return HubSpotResponses::validationError(
            QStringLiteral("Batch input too large: %1 inputs were sent; the limit is %2 per request.")
                .arg(inputs->size())
                .arg(kMaxBatchInputs));
    return std::nullopt;
}

HttpServerResponse HubSpotContactWriter::create(const QByteArray &body, const QDateTime &now)
{
    QJsonObject request;
    if (auto refused = readObject(body, &request))
        return *refused;
    const HubSpotPropertyValues parsed =
        m_store.parseProperties(request.value(QStringLiteral("properties")).toObject());
    if (const auto failure = check(parsed, 0))
        return respond(*failure);
    return HubSpotResponses::json(written(m_store.create(parsed.values, now), parsed), 201);
}

HttpServerResponse HubSpotContactWriter::update(const QString &id, const QByteArray &body, const QDateTime &now)
{
    bool numeric = false;
    const qint64 contactId = id.toLongLong(&numeric);
    const HubSpotContact *contact = numeric ? m_store.contact(contactId) : nullptr;
    if (!contact || contact->archived)
        return HubSpotResponses::error(404, QStringLiteral("OBJECT_NOT_FOUND"),
                                       QStringLiteral("Object not found.  objectId are usually numeric."));
    QJsonObject request;
    if (auto refused = readObject(body, &request))
        return *refused;
    const HubSpotPropertyValues parsed =
        m_store.parseProperties(request.value(QStringLiteral("properties")).toObject());
    if (const auto failure = check(parsed, contactId))
        return respond(*failure);
    m_store.update(contactId, parsed.values, now);
    return HubSpotResponses::json(written(contactId, parsed));
}

HttpServerResponse HubSpotContactWriter::batchCreate(const QByteArray &body, const QDateTime &now)
{
    QJsonArray inputs;
    if (auto refused = readInputs(body, &inputs))
        return *refused;
    QSet<QString> traceIds;
    for (const QJsonValue &input : std::as_const(inputs))
        traceIds.insert(input.toObject().value(kTraceId).toString());
    const bool multiStatus = !inputs.isEmpty() && !traceIds.contains(QString()) && traceIds.size() == inputs.size();

    QJsonArray results;
    QJsonArray errors;
    if (multiStatus) {
        // Input by input: a later input with the email of an earlier one conflicts with the contact just created.
        for (const QJsonValue &input : std::as_const(inputs)) {
            const QJsonObject object = input.toObject();
            const QString traceId = object.value(kTraceId).toString();
            const HubSpotPropertyValues parsed =
                m_store.parseProperties(object.value(QStringLiteral("properties")).toObject());
            if (const auto failure = check(parsed, 0)) {
                errors.append(batchError(*failure, traceContext(traceId, {})));
                continue;
            }
            QJsonObject result = written(m_store.create(parsed.values, now), parsed);
            result.insert(kTraceId, traceId);
            results.append(result);
        }
        return batchAnswer(201, results, errors, now);
    }

    // All or nothing: every input is checked before the first contact is created.
    QList<HubSpotPropertyValues> accepted;
    QSet<QString> emails;
    for (const QJsonValue &input : std::as_const(inputs)) {
        const HubSpotPropertyValues parsed =
            m_store.parseProperties(input.toObject().value(QStringLiteral("properties")).toObject());
        if (const auto failure = check(parsed, 0))
            return respond(*failure);
        const QString email = parsed.values.value(QStringLiteral("email")).toLower();
        if (!email.isEmpty() && emails.contains(email))
            return HubSpotResponses::validationError(
                QStringLiteral("Duplicate email found in batch input: %1. Each input must be a different contact.")
                    .arg(email));
        emails.insert(email);
        accepted.append(parsed);
    }
    for (const HubSpotPropertyValues &parsed : std::as_const(accepted))
        results.append(written(m_store.create(parsed.values, now), parsed));
    return batchAnswer(201, results, errors, now);
}

HttpServerResponse HubSpotContactWriter::batchUpdate(const QByteArray &body, const QDateTime &now)
{
    QJsonArray inputs;
    if (auto refused = readInputs(body, &inputs))
        return *refused;
    QStringList ids;
    QStringList duplicates;
    for (const QJsonValue &input : std::as_const(inputs)) {
        const QString id = input.toObject().value(QStringLiteral("id")).toVariant().toString();
        if (ids.contains(id) && !duplicates.contains(id))
            duplicates.append(id);
        ids.append(id);
    }
    if (!duplicates.isEmpty())
        return HubSpotResponses::validationError(
            QStringLiteral("Duplicate IDs found in batch input: [%1]. IDs must be unique")
                .arg(duplicates.join(QStringLiteral(", "))));

    QJsonArray results;
    QJsonArray errors;
    QJsonArray missing;
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        const QJsonObject object = inputs.at(i).toObject();
        const QString &id = ids.at(i);
        const QString traceId = object.value(kTraceId).toString();
        bool numeric = false;
        const qint64 contactId = id.toLongLong(&numeric);
        const HubSpotContact *contact = numeric ? m_store.contact(contactId) : nullptr;
        if (!contact || contact->archived) {
            missing.append(id);
            continue;
        }
        const HubSpotPropertyValues parsed =
            m_store.parseProperties(object.value(QStringLiteral("properties")).toObject());
        if (const auto failure = check(parsed, contactId)) {
            errors.append(batchError(*failure, traceContext(traceId, id)));
            continue;
        }
        m_store.update(contactId, parsed.values, now);
        QJsonObject result = written(contactId, parsed);
        if (!traceId.isEmpty())
            result.insert(kTraceId, traceId);
        results.append(result);
    }
    if (!missing.isEmpty())
        errors.prepend(batchError(
            Failure{404,
                    QStringLiteral("OBJECT_NOT_FOUND"),
                    QStringLiteral("Could not get some CONTACT objects, they may be deleted or not exist. Check that "
                                   "ids are valid."),
                    {}},
            {{QStringLiteral("ids"), missing}}));
    return batchAnswer(200, results, errors, now);
}

} // namespace patchbay::sandbox
