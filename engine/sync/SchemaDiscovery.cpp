#include "SchemaDiscovery.h"

#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "ListRequest.h"
#include "auth/TokenRefresher.h"
#include "catalog/ProviderDefinition.h"
#include "core/JsonPath.h"

#include <QJsonDocument>

namespace patchbay {

namespace {

constexpr jsonata::EvalLimits kLimits{1000, 200};
constexpr int kMaxPages = 100; // a schema is small; a provider that pages forever is a definition bug

struct FieldExpressions
{
    jsonata::Expression name;
    jsonata::Expression label;
    jsonata::Expression type;
    jsonata::Expression custom;
};

Result<jsonata::Expression> compileField(const QString &text, const char *what)
{
    auto compiled = jsonata::Expression::compile(text);
    if (!compiled) {
        return makeError("definition.invalid_expression",
                         QStringLiteral("schema %1: %2").arg(QLatin1String(what),
                                                             QString::fromStdString(compiled.error().message)));
    }
    return compiled.value();
}

QString text(const jsonata::Expression &expression, const jsonata::Value &field)
{
    auto value = expression.evaluate(field, {}, kLimits);
    if (!value || !value.value().isDefined() || value.value().isNull())
        return {};
    const QJsonValue json = value.value().toQJsonValue();
    if (json.isString())
        return json.toString();
    if (json.isDouble())
        return QString::number(json.toDouble(), 'g', QLocale::FloatingPointShortest);
    if (json.isBool())
        return json.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
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
    auto name = compileField(schema.name, "name");
    auto label = compileField(schema.label, "label");
    auto type = compileField(schema.type, "type");
    auto custom = compileField(schema.custom, "custom");
    for (const auto *compiled : {&name, &label, &type, &custom}) {
        if (!*compiled)
            return compiled->error();
    }
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
        QJsonValue list;
        if (schema.request.records.isEmpty()) {
            list = jsonValueAt(root, schema.request.recordsPath);
        } else {
            // A JSONata expression picks the fields (Graph: one extension's properties among several).
            auto compiled = jsonata::Expression::compile(schema.request.records);
            auto value = compiled ? compiled.value().evaluate(jsonata::Value::fromQJsonValue(root), bindings, kLimits)
                                  : jsonata::Result<jsonata::Value>(compiled.error());
            if (!value) {
                return makeError("definition.expression_failed",
                                 QStringLiteral("The fields expression of %1 failed: %2")
                                     .arg(m_object.name, QString::fromStdString(value.error().message)));
            }
            list = value.value().isDefined() ? value.value().toQJsonValue() : QJsonValue(QJsonValue::Undefined);
            if (list.isObject())
                list = QJsonArray{list};
        }
        if (schema.request.recordsOptional && (list.isUndefined() || list.isNull()) && root.isObject())
            list = QJsonArray(); // the provider leaves the list out when there is nothing (Square)
        if (!list.isArray()) {
            return makeError("sync.bad_page", QStringLiteral("The field list of %1 has no list at '%2'; check "
                                                             "fieldsPath in the %3 definition")
                                                  .arg(m_object.name, schema.request.recordsPath, m_definition.name));
        }
        const QJsonArray items = list.toArray();
        for (const QJsonValue &item : items) {
            const jsonata::Value field = jsonata::Value::fromQJsonValue(item);
            SchemaField found;
            found.name = text(name.value(), field);
            if (found.name.isEmpty())
                continue;
            found.label = text(label.value(), field);
            found.type = text(type.value(), field);
            found.custom = text(custom.value(), field) == QLatin1String("true");
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
