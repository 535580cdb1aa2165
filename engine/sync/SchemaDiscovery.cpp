#include "SchemaDiscovery.h"

#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "ListRequest.h"
#include "auth/TokenRefresher.h"
#include "catalog/DefinitionExpression.h"
#include "catalog/ProviderDefinition.h"
#include "core/JsonPath.h"

#include <QJsonDocument>

namespace patchbay {

namespace {

constexpr int kMaxPages = 100; // a schema is small; a provider that pages forever is a definition bug

// One of the field expressions over one field, as text (nothing when it gives no scalar).
QString text(const QString &expression, const QJsonValue &field)
{
    auto value = DefinitionExpression::evaluate(expression, field, {}, QString());
    return value ? jsonScalarText(value.value()) : QString();
}

} // namespace

SchemaDiscovery::SchemaDiscovery(const ProviderDefinition &definition, const ObjectSpec &object,
                                 ConnectionSession &session, ExecutionJournal &journal)
    : m_definition(definition), m_object(object), m_session(session), m_journal(journal)
{
}

Result<QList<SchemaField>> SchemaDiscovery::run()
{
    const SchemaSpec &schema = *m_object.schema;
    const Paginator paginator(schema.pagination.value_or(PaginationSpec()));
    if (auto credential = m_session.credential(); !credential)
        return credential.error();
    jsonata::Bindings bindings = m_session.bindings();
    bindings.set("object", jsonata::Value::string(m_object.name.toStdString()));
    m_journal.recordEvent(EventLevel::Info, QStringLiteral("Listing the fields of %1").arg(m_object.name));

    QList<SchemaField> fields;
    PageState page;
    for (int pages = 0; pages < kMaxPages; ++pages) {
        bindings.set("cursor", jsonata::Value::string(page.cursor.toStdString()));
        bindings.set("offset", jsonata::Value::number(static_cast<double>(page.offset)));
        bindings.set("page", jsonata::Value::number(page.page));
        auto request = buildListRequest(m_session, schema.request, paginator, page, bindings, m_object.name);
        if (!request)
            return request.error();
        auto response = m_session.send(request.value());
        if (!response)
            return response.error();
        if (!response->isSuccess()) {
            const ProviderError error = providerErrorFrom(m_definition.errors, response->body);
            return Error{QStringLiteral("sync.provider_error"),
                         QStringLiteral("%1 answered HTTP %2 to the field list of %3%4")
                             .arg(m_definition.displayName)
                             .arg(response->status)
                             .arg(m_object.name)
                             .arg(error.message.isEmpty() ? QString() : QStringLiteral(": ") + error.message)};
        }
        const QJsonDocument document = QJsonDocument::fromJson(response->body);
        const QJsonValue root = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
        // A fields expression picks them when a path is not enough (Graph: one extension's properties).
        auto fieldList = pageRecords(schema.request, root, bindings, m_object.name);
        if (!fieldList)
            return fieldList.error();
        const QJsonValue list = fieldList.value();
        if (!list.isArray()) {
            return makeError("sync.bad_page", QStringLiteral("The field list of %1 has no list at '%2'; check "
                                                             "fieldsPath in the %3 definition")
                                                  .arg(m_object.name, schema.request.recordsPath, m_definition.name));
        }
        const QJsonArray items = list.toArray();
        for (const QJsonValue &item : items) {
            SchemaField found;
            found.name = text(schema.name, item);
            if (found.name.isEmpty())
                continue;
            found.label = text(schema.label, item);
            found.type = text(schema.type, item);
            found.custom = DefinitionExpression::holds(schema.custom, item);
            fields.append(found);
        }
        const std::optional<PageState> next = paginator.next(page, root, response.value(), items);
        if (!next)
            break;
        page = *next;
    }
    int customCount = 0;
    for (const SchemaField &field : fields)
        customCount += field.custom;
    m_journal.recordEvent(EventLevel::Info, QStringLiteral("%1 has %2 fields, %3 of them custom")
                                                .arg(m_object.name)
                                                .arg(fields.size())
                                                .arg(customCount));
    return fields;
}

} // namespace patchbay
