#include "CompiledMapping.h"

namespace patchbay {

namespace {

MappingIssue issueFor(const QString &field, const jsonata::Error &error)
{
    return {field, QString::fromStdString(error.code), error.position, QString::fromStdString(error.message)};
}

} // namespace

Result<CompiledMapping> CompiledMapping::compile(const MappingTree &tree)
{
    const QList<MappingIssue> issues = validateMapping(tree, false);
    if (!issues.isEmpty()) {
        QStringList lines;
        for (const MappingIssue &issue : issues)
            lines.append(QStringLiteral("%1: %2").arg(issue.field, issue.toString()));
        return makeError("mapping.invalid", lines.join(QStringLiteral("; ")));
    }
    CompiledMapping mapping;
    build(tree, QString(), mapping.m_root);
    return mapping;
}

void CompiledMapping::build(const MappingTree &tree, const QString &prefix, Node &into)
{
    for (auto it = tree.begin(); it != tree.end(); ++it) {
        Node node;
        node.key = it.key().toStdString();
        node.field = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject())
            build(it.value().toObject(), node.field, node);
        else
            node.expression = jsonata::Expression::compile(it.value().toString()).value();
        into.children.push_back(std::move(node));
    }
}

jsonata::Value CompiledMapping::evaluateNode(const Node &node, const jsonata::Value &input,
                                             const jsonata::EvalLimits &limits, QList<MappingIssue> &errors)
{
    if (node.expression) {
        auto result = node.expression->evaluate(input, {}, limits);
        if (!result) {
            errors.append(issueFor(node.field, result.error()));
            return {};
        }
        return result.value();
    }
    jsonata::Value object = jsonata::Value::emptyObject();
    for (const Node &child : node.children) {
        jsonata::Value value = evaluateNode(child, input, limits, errors);
        if (value.isDefined())
            object.mutableObject().set(child.key, std::move(value));
    }
    return object;
}

CompiledMapping::Output CompiledMapping::evaluate(const jsonata::Value &input, const jsonata::EvalLimits &limits) const
{
    Output output;
    output.value = evaluateNode(m_root, input, limits, output.errors);
    return output;
}

void CompiledMapping::collect(const Node &node, const jsonata::Value &input, const jsonata::EvalLimits &limits,
                              QList<FieldResult> &results)
{
    for (const Node &child : node.children) {
        if (!child.expression) {
            collect(child, input, limits, results);
            continue;
        }
        FieldResult result{child.field, QString::fromStdString(child.expression->source()), {}, std::nullopt};
        auto evaluated = child.expression->evaluate(input, {}, limits);
        if (evaluated)
            result.value = evaluated.value();
        else
            result.error = issueFor(child.field, evaluated.error());
        results.append(result);
    }
}

QList<CompiledMapping::FieldResult> CompiledMapping::evaluateFields(const jsonata::Value &input,
                                                                    const jsonata::EvalLimits &limits) const
{
    QList<FieldResult> results;
    collect(m_root, input, limits, results);
    return results;
}

QStringList CompiledMapping::fields() const
{
    QStringList fields;
    std::function<void(const Node &)> walk = [&](const Node &node) {
        for (const Node &child : node.children) {
            if (child.expression)
                fields.append(child.field);
            else
                walk(child);
        }
    };
    walk(m_root);
    return fields;
}

} // namespace patchbay
