#include "IntegrationLoader.h"

#include "ProviderCatalog.h"
#include "YamlDocument.h"
#include "YamlReader.h"
#include "mapping/MappingTree.h"

#include <QJsonArray>

namespace patchbay {

const ReadObjectSpec *IntegrationDefinition::readObject(const QString &object) const
{
    for (const ReadObjectSpec &spec : read) {
        if (spec.object == object)
            return &spec;
    }
    return nullptr;
}

const WriteObjectSpec *IntegrationDefinition::writeObject(const QString &object) const
{
    for (const WriteObjectSpec &spec : write) {
        if (spec.object == object)
            return &spec;
    }
    return nullptr;
}

namespace {

// A mapping in YAML: field: expression, nested mappings for nested output. Each expression is compiled
// here so a manifest with a broken mapping never loads.
MappingTree readMapping(YamlReader &r, const YAML::Node &node, const QString &what)
{
    MappingTree tree;
    if (!r.expectMap(node, what))
        return tree;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const QString field = YamlReader::str(it->first.Scalar());
        const YAML::Node value = it->second;
        if (value.IsMap()) {
            tree.insert(field, readMapping(r, value, QStringLiteral("%1.%2").arg(what, field)));
        } else if (value.IsScalar()) {
            const QString expression = YamlReader::str(value.Scalar());
            if (auto issue = compileIssue(expression)) {
                r.error(value.Mark(), QStringLiteral("field '%1' of %2: %3").arg(field, what, issue->toString()));
            }
            tree.insert(field, expression);
        } else {
            r.error(
                value.Mark(),
                QStringLiteral("field '%1' of %2 must be a JSONata expression or a nested mapping").arg(field, what));
        }
    }
    return tree;
}

// A read object's schedule: {every: 30m} or {cron: "*/15 * * * *"}, exactly one of them.
ReadSchedule readSchedule(YamlReader &r, const YAML::Node &node, const QString &object)
{
    ReadSchedule schedule;
    const QString what = QStringLiteral("the schedule of %1").arg(object);
    if (!r.expectMap(node, what))
        return schedule;
    r.checkKeys(node, what, {QStringLiteral("every"), QStringLiteral("cron")});
    if (bool(node["every"]) == bool(node["cron"])) {
        r.error(node.Mark(), QStringLiteral("%1 needs either 'every' (e.g. 30m) or 'cron' (e.g. \"*/15 * * * *\")")
                                 .arg(what));
        return schedule;
    }
    const char *key = node["every"] ? "every" : "cron";
    const QString text = r.string(node, key, what, true);
    if (text.isEmpty())
        return schedule;
    if (node["every"]) {
        if (auto every = ReadSchedule::parseSpan(text))
            schedule.every = every.value();
        else
            r.error(node[key].Mark(), QStringLiteral("'every' of %1: %2").arg(what, every.error().message));
    } else if (auto cron = CronExpression::parse(text)) {
        schedule.cron = std::move(cron).value();
    } else {
        r.error(node[key].Mark(), QStringLiteral("'cron' of %1: %2").arg(what, cron.error().message));
    }
    return schedule;
}

void checkObject(YamlReader &r, const YAML::Node &node, const ProviderDefinition *provider, const QString &object)
{
    // An item without an object has been told so already, and has no object node to point at: its Mark() would
    // throw (found by tests/fuzz/catalog_fuzz_loader).
    if (provider && !object.isEmpty() && !provider->objects.contains(object)) {
        r.error(node.Mark(),
                QStringLiteral("%1 has no object '%2'; it has: %3")
                    .arg(provider->displayName, object, provider->objects.keys().join(QStringLiteral(", "))));
    }
}

IntegrationDefinition readIntegration(YamlReader &r, const YAML::Node &node, const ProviderCatalog &providers)
{
    IntegrationDefinition integration;
    const QString what = QStringLiteral("an integration");
    if (!r.expectMap(node, what))
        return integration;
    r.checkKeys(node, what,
                {QStringLiteral("name"), QStringLiteral("provider"), QStringLiteral("read"), QStringLiteral("write")});
    integration.name = r.string(node, "name", what, true);
    integration.provider = r.string(node, "provider", what, true);
    const ProviderDefinition *provider = providers.find(integration.provider);
    if (!integration.provider.isEmpty() && !provider) {
        r.error(node["provider"].Mark(), QStringLiteral("no provider definition named '%1'; known: %2")
                                             .arg(integration.provider, providers.names().join(QStringLiteral(", "))));
    }
    if (const YAML::Node read = node["read"]; read && r.expectMap(read, QStringLiteral("read"))) {
        r.checkKeys(read, QStringLiteral("read"), {QStringLiteral("objects")});
        const YAML::Node objects = read["objects"];
        // Items of a mapping are key/value pairs, not nodes (found by tests/fuzz/catalog_fuzz_loader).
        if (objects && !objects.IsSequence())
            r.error(objects.Mark(), QStringLiteral("the objects of read must be a list (- object: ... items)"));
        for (const YAML::Node &item : objects &&objects.IsSequence() ? objects : YAML::Node(YAML::NodeType::Sequence)) {
            const QString itemWhat = QStringLiteral("a read object");
            if (!r.expectMap(item, itemWhat))
                continue;
            r.checkKeys(item, itemWhat,
                        {QStringLiteral("object"), QStringLiteral("destination"), QStringLiteral("mapping"),
                         QStringLiteral("schedule"), QStringLiteral("since")});
            ReadObjectSpec spec;
            spec.object = r.string(item, "object", itemWhat, true);
            checkObject(r, item["object"], provider, spec.object);
            spec.destination = r.string(item, "destination", itemWhat, false, spec.destination);
            if (spec.destination != QLatin1String("records")) {
                r.error(item["destination"].Mark(), QStringLiteral("destination '%1' is not supported yet; use "
                                                                   "'records'")
                                                        .arg(spec.destination));
            }
            if (const YAML::Node mapping = item["mapping"])
                spec.mapping = readMapping(r, mapping, QStringLiteral("the mapping of %1").arg(spec.object));
            if (const YAML::Node schedule = item["schedule"])
                spec.schedule = readSchedule(r, schedule, spec.object);
            if (const QString since = r.string(item, "since", itemWhat, false); !since.isEmpty()) {
                if (auto start = BackfillStart::parse(since))
                    spec.since = start.value();
                else
                    r.error(item["since"].Mark(),
                            QStringLiteral("'since' of %1: %2").arg(spec.object, start.error().message));
            }
            integration.read.append(spec);
        }
    }
    if (const YAML::Node write = node["write"]; write && r.expectMap(write, QStringLiteral("write"))) {
        r.checkKeys(write, QStringLiteral("write"), {QStringLiteral("objects")});
        const YAML::Node objects = write["objects"];
        // Items of a mapping are key/value pairs, not nodes (found by tests/fuzz/catalog_fuzz_loader).
        if (objects && !objects.IsSequence())
            r.error(objects.Mark(), QStringLiteral("the objects of write must be a list (- object: ... items)"));
        for (const YAML::Node &item : objects &&objects.IsSequence() ? objects : YAML::Node(YAML::NodeType::Sequence)) {
            const QString itemWhat = QStringLiteral("a write object");
            if (!r.expectMap(item, itemWhat))
                continue;
            r.checkKeys(item, itemWhat, {QStringLiteral("object"), QStringLiteral("reverseMapping")});
            WriteObjectSpec spec;
            spec.object = r.string(item, "object", itemWhat, true);
            checkObject(r, item["object"], provider, spec.object);
            if (const YAML::Node mapping = item["reverseMapping"])
                spec.reverseMapping =
                    readMapping(r, mapping, QStringLiteral("the reverse mapping of %1").arg(spec.object));
            else
                r.error(item.Mark(), QStringLiteral("a write object needs a 'reverseMapping'"));
            integration.write.append(spec);
        }
    }
    return integration;
}

} // namespace

IntegrationLoadResult IntegrationLoader::loadFile(const QString &path, const ProviderCatalog &providers)
{
    QList<DefinitionError> errors;
    const auto text = YamlDocument::readFile(path, &errors);
    if (!text)
        return {{}, errors};
    return loadText(*text, path, providers);
}

bool IntegrationLoader::isManifest(const QByteArray &yaml)
{
    QList<DefinitionError> ignored;
    const auto root = YamlDocument::parse(yaml, QString(), &ignored);
    return root && root->IsMap() && (*root)["integrations"];
}

IntegrationLoadResult IntegrationLoader::loadText(const QByteArray &yaml, const QString &fileName,
                                                  const ProviderCatalog &providers)
{
    YamlReader r(fileName);
    const auto parsed = YamlDocument::parse(yaml, fileName, &r.errors);
    if (!parsed)
        return {{}, r.errors};
    const YAML::Node &root = *parsed;
    IntegrationLoadResult result;
    if (!root.IsMap() || !root["integrations"] || !root["integrations"].IsSequence()) {
        r.error(root.Mark(), QStringLiteral("an integration manifest is a mapping with a list 'integrations'"));
        return {{}, r.errors};
    }
    r.checkKeys(root, QStringLiteral("the manifest"), {QStringLiteral("integrations")});
    QStringList names;
    for (const YAML::Node &node : root["integrations"]) {
        IntegrationDefinition integration = readIntegration(r, node, providers);
        integration.sourceFile = fileName;
        if (names.contains(integration.name))
            r.error(node.Mark(), QStringLiteral("a second integration named '%1'").arg(integration.name));
        names.append(integration.name);
        result.integrations.append(integration);
    }
    if (!r.errors.isEmpty())
        return {{}, r.errors};
    return result;
}

} // namespace patchbay
