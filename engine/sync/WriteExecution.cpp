#include "WriteExecution.h"

#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "ListRequest.h"
#include "auth/TokenRefresher.h"
#include "catalog/DefinitionExpression.h"
#include "catalog/ProviderDefinition.h"
#include "core/JsonPath.h"
#include "http/FormEncoding.h"
#include "http/HttpTypes.h"
#include "mapping/CompiledMapping.h"
#include "mapping/MappingService.h"
#include "store/WriteStore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay {

namespace {

constexpr int kDetailedFailures = 20;

QJsonValue parseBody(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isArray())
        return document.array();
    if (document.isObject())
        return document.object();
    return QJsonValue(QJsonValue::Undefined);
}

} // namespace

struct WriteExecution::Item
{
    WriteInput input;
    QString operation;
    QString providerId;
    QJsonValue mapped;
    QString status; // empty while pending
    QString errorCode;
    QString errorMessage;
    QByteArray sent;
};

WriteExecution::WriteExecution(WriteStore &writes, const ProviderDefinition &definition, const ObjectSpec &object,
                               ConnectionSession &session, ExecutionJournal &journal,
                               const CompiledMapping *reverseMapping)
    : m_writes(writes), m_definition(definition), m_object(object), m_session(session), m_journal(journal),
      m_mapping(reverseMapping)
{
}

void WriteExecution::mapItem(Item &item) const
{
    if (!m_mapping) {
        item.mapped = item.input.record; // no integration: the record is already in the provider's shape
        return;
    }
    const CompiledMapping::Output output =
        m_mapping->evaluate(jsonata::Value::fromQJsonValue(item.input.record), MappingService::tenantLimits());
    if (!output.errors.isEmpty()) {
        QStringList problems;
        for (const MappingIssue &issue : output.errors) {
            problems.append(QStringLiteral("field '%1': %2%3: %4")
                                .arg(issue.field, issue.code,
                                     issue.position >= 0 ? QStringLiteral(" at position %1").arg(issue.position)
                                                         : QString(),
                                     issue.message));
        }
        item.status = QStringLiteral("failed");
        item.errorCode = QStringLiteral("mapping.failed");
        item.errorMessage = QStringLiteral("The reverse mapping failed: %1").arg(problems.join(QStringLiteral("; ")));
        return;
    }
    item.mapped = output.value.toQJsonValue();
}

Result<HttpResponse> WriteExecution::sendRequest(const WriteRequestSpec &spec, jsonata::Bindings bindings,
                                                 const jsonata::Value &bodyInput, QByteArray *sent)
{
    HttpRequest request;
    request.method = spec.method.toLatin1();
    auto url = m_session.apiUrl(spec.path, bindings);
    if (!url)
        return url.error();
    request.url = url.value();
    if (auto added = addQueryParams(request.url, spec.params, bindings); !added)
        return added.error();
    if (auto added = addHeaders(request, spec.headers, bindings); !added)
        return added.error();
    if (request.method != "DELETE") {
        QJsonValue body = bodyInput.toQJsonValue();
        if (!spec.body.isEmpty()) {
            auto built = DefinitionExpression::evaluate(spec.body, body, bindings,
                                  QStringLiteral("The %1 body of %2").arg(QString::fromLatin1(request.method), m_object.name));
            if (!built)
                return built.error();
            body = built.value();
        }
        if (spec.bodyFormat == QLatin1String("form")) {
            request.setHeader("Content-Type", "application/x-www-form-urlencoded");
            request.body = encodeForm(body);
        } else {
            request.setHeader("Content-Type", "application/json");
            request.body = body.isArray() ? QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact)
                                          : QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
        }
    }
    *sent = request.body;
    return m_session.send(std::move(request));
}

QString WriteExecution::providerFailure(const HttpResponse &response, QString *code) const
{
    const ProviderError error = providerErrorFrom(m_definition.errors, response.body);
    *code = error.code.isEmpty() ? QStringLiteral("http.%1").arg(response.status) : error.code;
    return QStringLiteral("%1 answered HTTP %2%3%4")
        .arg(m_definition.displayName)
        .arg(response.status)
        .arg(error.code.isEmpty() ? QString() : QStringLiteral(" ") + error.code)
        .arg(error.message.isEmpty() ? QString() : QStringLiteral(": ") + error.message);
}

Result<void> WriteExecution::writeOne(const WriteRequestSpec &spec, Item &item)
{
    jsonata::Bindings bindings = m_session.bindings();
    bindings.set("id", jsonata::Value::string(item.providerId.toStdString()));
    bindings.set("key", jsonata::Value::string(item.input.key.toStdString()));
    bindings.set("idempotencyKey",
                 jsonata::Value::string(QStringLiteral("patchbay-%1-%2-%3")
                                            .arg(m_journal.executionId())
                                            .arg(item.operation, item.input.key)
                                            .toStdString()));
    const jsonata::Value record = jsonata::Value::fromQJsonValue(item.mapped);
    bindings.set("record", record);
    auto response = sendRequest(spec, bindings, record, &item.sent);
    if (!response)
        return response.error();
    const QJsonValue body = parseBody(response->body);
    bool failed = !response->isSuccess();
    if (!failed) {
        if (const auto said = providerErrorInSuccess(m_definition.errors, body)) {
            item.status = QStringLiteral("failed");
            item.errorCode = QStringLiteral("provider.error");
            item.errorMessage =
                QStringLiteral("%1 reported an error in a successful answer: %2").arg(m_definition.displayName, *said);
            return {};
        }
    }
    if (failed) {
        item.status = QStringLiteral("failed");
        item.errorMessage = providerFailure(response.value(), &item.errorCode);
        return {};
    }
    item.status = QStringLiteral("succeeded");
    if (!spec.idPath.isEmpty()) {
        bindings.set("headers", jsonata::Value::fromQJsonValue(headersToJson(response->headers)));
        auto id = DefinitionExpression::evaluate(spec.idPath, body, bindings, QStringLiteral("idPath of %1").arg(m_object.name));
        if (!id)
            return id.error();
        if (const QString found = jsonText(id.value()); !found.isEmpty())
            item.providerId = found;
    }
    return {};
}

Result<void> WriteExecution::writeBatch(const WriteRequestSpec &spec, QList<Item *> items)
{
    QJsonArray records;
    QJsonArray keys;
    QJsonArray ids;
    for (const Item *item : items) {
        records.append(item->mapped);
        keys.append(item->input.key);
        ids.append(item->providerId);
    }
    jsonata::Bindings bindings = m_session.bindings();
    const jsonata::Value recordsValue = jsonata::Value::fromQJsonValue(records);
    bindings.set("records", recordsValue);
    bindings.set("keys", jsonata::Value::fromQJsonValue(keys));
    bindings.set("ids", jsonata::Value::fromQJsonValue(ids));
    bindings.set("idempotencyKey", jsonata::Value::string(QStringLiteral("patchbay-%1-%2-%3")
                                                              .arg(m_journal.executionId())
                                                              .arg(items.first()->operation, items.first()->input.key)
                                                              .toStdString()));
    QByteArray sent;
    auto response = sendRequest(spec, bindings, recordsValue, &sent);
    if (!response)
        return response.error();
    for (Item *item : items)
        item->sent = QJsonDocument(item->mapped.toObject()).toJson(QJsonDocument::Compact);
    bindings.set("status", jsonata::Value::number(response->status));
    bindings.set("headers", jsonata::Value::fromQJsonValue(headersToJson(response->headers)));
    auto results = DefinitionExpression::evaluate(spec.results, parseBody(response->body), bindings,
                            QStringLiteral("The batch results of %1").arg(m_object.name));
    if (!response->isSuccess()) {
        // Some providers answer 4xx when every record failed, still per record (Jira's bulk create); otherwise
        // the whole batch failed with one error.
        QString code;
        const QString message = providerFailure(response.value(), &code);
        const bool perRecord = results && (results->isArray() ? !results->toArray().isEmpty() : results->isObject());
        if (!perRecord) {
            for (Item *item : items) {
                item->status = QStringLiteral("failed");
                item->errorCode = code;
                item->errorMessage = message;
            }
            return {};
        }
    }
    if (!results)
        return results.error();
    QJsonArray list = results->isArray() ? results->toArray() : QJsonArray();
    if (results->isObject())
        list.append(results.value());
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject result = list.at(i).toObject();
        // Which record a result is about: its index, else its key (HubSpot's objectWriteTraceId, Square's
        // idempotency key), else for updates the provider id, else its place in the answer.
        Item *target = nullptr;
        const QJsonValue index = result.value(QStringLiteral("index"));
        const QString key = jsonText(result.value(QStringLiteral("key")));
        const QString resultId = jsonText(result.value(QStringLiteral("id")));
        if (index.isDouble()) {
            const auto at = static_cast<qsizetype>(index.toDouble());
            target = at >= 0 && at < items.size() ? items[at] : nullptr;
        } else if (!key.isEmpty()) {
            for (Item *candidate : items)
                target = candidate->input.key == key ? candidate : target;
        } else {
            for (Item *candidate : items) {
                if (candidate->operation == QLatin1String("update") && !resultId.isEmpty()
                    && candidate->providerId == resultId)
                    target = candidate;
            }
            if (!target && i < items.size())
                target = items[i];
        }
        if (!target)
            continue;
        Item &item = *target;
        const QString error = jsonText(result.value(QStringLiteral("error")));
        if (!error.isEmpty()) {
            item.status = QStringLiteral("failed");
            item.errorCode = jsonText(result.value(QStringLiteral("code")));
            if (item.errorCode.isEmpty())
                item.errorCode = QStringLiteral("provider.item_error");
            item.errorMessage = QStringLiteral("%1 refused this record: %2").arg(m_definition.displayName, error);
            continue;
        }
        item.status = QStringLiteral("succeeded");
        if (const QString id = jsonText(result.value(QStringLiteral("id"))); !id.isEmpty())
            item.providerId = id;
    }
    for (Item *item : items) {
        if (item->status.isEmpty()) {
            item->status = QStringLiteral("failed");
            item->errorCode = QStringLiteral("write.no_result");
            item->errorMessage = QStringLiteral("%1 answered HTTP %2 but reported no result for this record; it may "
                                                "or may not have been written")
                                     .arg(m_definition.displayName)
                                     .arg(response->status);
        }
    }
    return {};
}

void WriteExecution::finish(Item &item)
{
    WriteItem row;
    row.executionId = m_journal.executionId();
    row.object = m_object.name;
    row.key = item.input.key;
    row.operation = item.operation;
    row.providerId = item.providerId;
    row.status = item.status;
    row.errorCode = item.errorCode;
    row.errorMessage = item.errorMessage;
    row.payload = QJsonDocument(item.input.record).toJson(QJsonDocument::Compact);
    row.sent = item.sent;
    m_pending.append(row);
    if (item.status == QLatin1String("succeeded")) {
        ++m_succeeded;
        ++m_journal.counts().records;
        return;
    }
    ++m_failed;
    ++m_journal.counts().failedRecords;
    if (m_detailedFailures++ < kDetailedFailures) {
        m_journal.recordEvent(EventLevel::Error,
                              QStringLiteral("Record %1 (%2): %3").arg(item.input.key, item.operation, item.errorMessage),
                              {{QStringLiteral("key"), item.input.key},
                               {QStringLiteral("operation"), item.operation},
                               {QStringLiteral("code"), item.errorCode},
                               {QStringLiteral("providerId"), item.providerId}});
    } else if (m_detailedFailures == kDetailedFailures + 1) {
        m_journal.recordEvent(EventLevel::Error, QStringLiteral("More records failed; the write results list them all"));
    }
}

Result<void> WriteExecution::flush()
{
    if (m_pending.isEmpty())
        return {};
    auto stored = m_writes.addWriteItems(m_session.connection().id, m_pending);
    m_pending.clear();
    m_journal.saveCounts();
    return stored;
}

Result<void> WriteExecution::run(const QList<WriteInput> &inputs)
{
    const WriteSpec &write = m_object.write;
    std::vector<Item> items;
    items.reserve(inputs.size());
    QSet<QString> keys;
    for (const WriteInput &input : inputs) {
        Item item;
        item.input = input;
        if (input.key.isEmpty() || keys.contains(input.key)) {
            return makeError("write.bad_input",
                             input.key.isEmpty()
                                 ? QStringLiteral("Every record to write needs a key (the product's id of the record)")
                                 : QStringLiteral("The key '%1' appears twice; write each record once").arg(input.key));
        }
        keys.insert(input.key);
        item.providerId =
            input.providerId.isEmpty()
                ? m_writes.linkedProviderId(m_session.connection().id, m_object.name, input.key).value_or(QString())
                : input.providerId;
        item.operation = item.providerId.isEmpty() ? QStringLiteral("create") : QStringLiteral("update");
        items.push_back(std::move(item));
    }
    m_journal.recordEvent(EventLevel::Info, QStringLiteral("Writing %1 %2 to %3").arg(items.size()).arg(m_object.name,
                                                                                                     m_definition.displayName));
    if (auto credential = m_session.credential(); !credential) {
        // No usable credential (a revoked grant): nothing is sent, everything is kept for a later write.
        for (Item &item : items) {
            item.status = QStringLiteral("failed");
            item.errorCode = credential.error().code;
            item.errorMessage = QStringLiteral("Not written: %1").arg(credential.error().message);
            finish(item);
        }
        if (auto stored = flush(); !stored)
            return stored;
        return credential.error();
    }

    QList<Item *> creates;
    QList<Item *> updates;
    for (Item &item : items) {
        const bool create = item.operation == QLatin1String("create");
        if (create ? !(write.create || write.batchCreate) : !(write.update || write.batchUpdate)) {
            item.status = QStringLiteral("failed");
            item.errorCode = QStringLiteral("write.unsupported");
            item.errorMessage = QStringLiteral("The %1 definition cannot %2 %3; it declares no %2 request")
                                    .arg(m_definition.name, item.operation, m_object.name);
        } else {
            mapItem(item);
        }
        if (!item.status.isEmpty()) {
            finish(item);
            continue;
        }
        (create ? creates : updates).append(&item);
    }
    if (auto stored = flush(); !stored)
        return stored;

    // A transport failure (unreachable, retries exhausted) stops the write: the rest are kept as not sent.
    const auto abandon = [&](const Error &error) -> Result<void> {
        for (Item &item : items) {
            if (!item.status.isEmpty())
                continue;
            item.status = QStringLiteral("failed");
            item.errorCode = error.code;
            item.errorMessage = QStringLiteral("Not written: %1").arg(error.message);
            finish(item);
        }
        if (auto stored = flush(); !stored)
            return stored;
        return error;
    };
    const auto writeAll = [&](QList<Item *> &group, const std::optional<WriteRequestSpec> &single,
                              const std::optional<WriteRequestSpec> &batch) -> Result<void> {
        if (group.isEmpty())
            return {};
        if (batch && (group.size() > 1 || !single)) {
            for (qsizetype start = 0; start < group.size(); start += batch->maxItems) {
                QList<Item *> chunk = group.mid(start, batch->maxItems);
                if (auto written = writeBatch(*batch, chunk); !written)
                    return abandon(written.error());
                int ok = 0;
                for (Item *item : chunk) {
                    ok += item->status == QLatin1String("succeeded");
                    finish(*item);
                }
                m_journal.recordEvent(ok == chunk.size() ? EventLevel::Info : EventLevel::Warning,
                                      QStringLiteral("Batch %1 of %2 %3: %4 written, %5 failed")
                                          .arg(chunk.first()->operation)
                                          .arg(chunk.size())
                                          .arg(m_object.name)
                                          .arg(ok)
                                          .arg(chunk.size() - ok));
                if (auto stored = flush(); !stored)
                    return stored;
            }
            return {};
        }
        for (Item *item : group) {
            if (auto written = writeOne(*single, *item); !written)
                return abandon(written.error());
            finish(*item);
            if (auto stored = flush(); !stored)
                return stored;
        }
        return {};
    };
    if (auto done = writeAll(creates, write.create, write.batchCreate); !done)
        return done;
    if (auto done = writeAll(updates, write.update, write.batchUpdate); !done)
        return done;

    if (m_failed > 0) {
        m_journal.recordEvent(EventLevel::Warning,
                              QStringLiteral("%1 of %2 records were not written; they are kept with the provider's "
                                             "answer and can be written again")
                                  .arg(m_failed)
                                  .arg(items.size()));
    }
    if (m_succeeded == 0 && m_failed > 0) {
        return makeError("write.all_failed",
                         QStringLiteral("None of the %1 records was written; see the write results for each one")
                             .arg(m_failed));
    }
    return {};
}

} // namespace patchbay
