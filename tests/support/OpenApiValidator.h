#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace patchbay::test {

// Checks JSON answers against the OpenAPI document's schemas, with the subset of JSON Schema the document uses:
// type (one or a list, "integer" a number without a fraction, "null"), enum, required, properties,
// additionalProperties (false or a schema), items, anyOf/oneOf, and $ref to #/components/... . Other keywords
// (format, minimum, description, ...) are not checked.
class OpenApiValidator
{
public:
    explicit OpenApiValidator(QJsonObject document) : m_document(std::move(document)) {}

    // The document's path (with {parameters}; a last {+name} takes the rest of the path) that a concrete path is, or
    // empty when none is.
    QString pathFor(const QString &path) const;
    // What is wrong with an answer to method on a concrete path with status and body, each problem naming where;
    // empty when the document describes it: the operation and the status exist and the body fits its schema.
    QStringList checkResponse(const QByteArray &method, const QString &path, int status, const QByteArray &body) const;
    // What is wrong with value under schema; where names value in the messages.
    QStringList checkValue(const QJsonValue &value, const QJsonObject &schema, const QString &where) const;

    const QJsonObject &document() const { return m_document; }

private:
    QJsonObject resolve(const QJsonObject &maybeRef) const;

    QJsonObject m_document;
};

} // namespace patchbay::test
