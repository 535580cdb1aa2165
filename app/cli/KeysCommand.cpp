#include "KeysCommand.h"

#include "CliStreams.h"
#include "store/sqlite/SqliteStore.h"

#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <optional>

using namespace patchbay;

namespace {

const char kUsage[] =
    "Usage: patchbay keys create [--database FILE] --role ROLE [--tenant NAME|ID] [--name TEXT]\n"
    "       patchbay keys list [--database FILE]\n"
    "       patchbay keys revoke [--database FILE] ID\n"
    "\n"
    "API keys of patchbayd (default database: patchbay.db). A key has a role: admin (everything), product (the\n"
    "SaaS backend: tenants, connections, records, writes), support (the console; never sees a secret) or viewer\n"
    "(read only); with --tenant it sees only that tenant. 'create' prints the key alone on standard output: it is\n"
    "shown once and only its hash is kept.\n"
    "\n"
    "Example: KEY=$(patchbay keys create --database patchbay.db --role product --name backend)\n";

int usage(const QString &problem)
{
    if (problem.isEmpty()) {
        out() << kUsage;
        out().flush();
        return 0;
    }
    err() << "patchbay keys: " << problem << "\n\n" << kUsage;
    err().flush();
    return 2;
}

int fail(const QString &message)
{
    err() << "patchbay keys: " << message << '\n';
    err().flush();
    return 1;
}

struct Options
{
    QString database = QStringLiteral("patchbay.db");
    QString role;
    QString tenant;
    QString name;
    QStringList positional;
};

// Parses --database, --role, --tenant and --name (each taking a value) and positional arguments; an error names
// the problem.
std::optional<QString> parse(const QStringList &args, Options &options)
{
    const QList<QPair<QString, QString *>> valued = {{QStringLiteral("--database"), &options.database},
                                                     {QStringLiteral("--role"), &options.role},
                                                     {QStringLiteral("--tenant"), &options.tenant},
                                                     {QStringLiteral("--name"), &options.name}};
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        const auto flag = std::find_if(valued.cbegin(), valued.cend(), [&](const auto &entry) {
            return arg == entry.first || arg.startsWith(entry.first + QLatin1Char('='));
        });
        if (flag != valued.cend()) {
            if (arg.contains(QLatin1Char('='))) {
                *flag->second = arg.section(QLatin1Char('='), 1);
            } else if (i + 1 < args.size()) {
                *flag->second = args.at(++i);
            } else {
                return QStringLiteral("%1 needs a value").arg(arg);
            }
        } else if (arg.startsWith(QLatin1String("--"))) {
            return QStringLiteral("unknown option %1").arg(arg);
        } else {
            options.positional.append(arg);
        }
    }
    return std::nullopt;
}

QString tenantText(Store &store, const std::optional<qint64> &tenantId)
{
    if (!tenantId)
        return QStringLiteral("every tenant");
    const auto tenant = store.tenants().tenant(*tenantId);
    return tenant ? QStringLiteral("tenant %1 (%2)").arg(tenant->id).arg(tenant->name)
                  : QStringLiteral("tenant %1").arg(*tenantId);
}

QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QStringLiteral("-");
}

// The audit entry of a change made here: no API key, the command line as the actor.
AuditEntry localAudit(const QString &action, const ApiKey &key)
{
    AuditEntry entry;
    entry.keyName = QStringLiteral("patchbay keys (command line)");
    entry.role = QStringLiteral("local");
    entry.action = action;
    entry.target = QStringLiteral("key:%1").arg(key.id);
    entry.tenantId = key.tenantId;
    entry.after = QJsonObject{{QStringLiteral("id"), key.id},
                              {QStringLiteral("prefix"), key.prefix},
                              {QStringLiteral("name"), key.name},
                              {QStringLiteral("role"), apiRoleName(key.role)}};
    return entry;
}

int create(Store &store, const Options &options)
{
    const auto role = apiRoleFromName(options.role);
    if (!role)
        return usage(options.role.isEmpty() ? QStringLiteral("--role is required")
                                            : QStringLiteral("unknown role '%1' (admin, product, support or viewer)")
                                                  .arg(options.role));
    if (!options.positional.isEmpty())
        return usage(QStringLiteral("unexpected argument '%1'").arg(options.positional.first()));
    std::optional<qint64> tenantId;
    if (!options.tenant.isEmpty()) {
        const auto tenant = store.tenants().tenantByIdOrName(options.tenant);
        if (!tenant)
            return fail(QStringLiteral("no tenant '%1' in %2").arg(options.tenant, store.path()));
        tenantId = tenant->id;
    }
    const QString name = options.name.isEmpty() ? apiRoleName(*role) + QStringLiteral(" key") : options.name;
    std::optional<CreatedApiKey> created;
    const auto saved = store.inTransaction([&]() -> Result<void> {
        auto key = store.apiKeys().createApiKey(name, *role, tenantId);
        if (!key)
            return key.error();
        created = std::move(key).value();
        if (auto audited = store.audit().appendAudit(localAudit(QStringLiteral("key.create"), created->key));
            !audited)
            return audited.error();
        return {};
    });
    if (!saved)
        return fail(saved.error().message);
    out() << created->secret << '\n';
    out().flush();
    err() << "Created API key " << created->key.id << " \"" << name << "\": " << apiRoleName(*role) << ", "
          << tenantText(store, tenantId) << ". It is shown only now; keep it secret.\n";
    err().flush();
    return 0;
}

int list(Store &store, const Options &options)
{
    if (!options.positional.isEmpty())
        return usage(QStringLiteral("unexpected argument '%1'").arg(options.positional.first()));
    const auto keys = store.apiKeys().apiKeys();
    if (!keys)
        return fail(keys.error().message);
    if (keys->isEmpty()) {
        err() << "No API keys in " << store.path() << ". Create one: patchbay keys create --role admin\n";
        err().flush();
        return 0;
    }
    out() << "ID\tPREFIX\tROLE\tTENANT\tNAME\tCREATED\tLAST USED\tSTATE\n";
    for (const ApiKey &key : std::as_const(*keys)) {
        out() << key.id << '\t' << key.prefix << "...\t" << apiRoleName(key.role) << '\t'
              << (key.tenantId ? QString::number(*key.tenantId) : QStringLiteral("*")) << '\t' << key.name << '\t'
              << timeText(key.createdAt) << '\t' << timeText(key.lastUsedAt) << '\t'
              << (key.revokedAt.isValid() ? QStringLiteral("revoked ") + timeText(key.revokedAt)
                                          : QStringLiteral("active"))
              << '\n';
    }
    out().flush();
    return 0;
}

int revoke(Store &store, const Options &options)
{
    bool ok = false;
    const qint64 id = options.positional.size() == 1 ? options.positional.first().toLongLong(&ok) : 0;
    if (!ok)
        return usage(QStringLiteral("revoke takes one key id (see patchbay keys list)"));
    std::optional<ApiKey> revoked;
    const auto saved = store.inTransaction([&]() -> Result<void> {
        auto key = store.apiKeys().revokeApiKey(id);
        if (!key)
            return key.error();
        revoked = key.value();
        if (auto audited = store.audit().appendAudit(localAudit(QStringLiteral("key.revoke"), *revoked)); !audited)
            return audited.error();
        return {};
    });
    if (!saved)
        return fail(saved.error().message);
    err() << "Revoked API key " << id << " \"" << revoked->name << "\".\n";
    err().flush();
    return 0;
}

} // namespace

int runKeysCommand(const QStringList &args)
{
    if (args.isEmpty())
        return usage(QStringLiteral("which: create, list or revoke?"));
    const QString action = args.first();
    if (action == QLatin1String("--help") || action == QLatin1String("help"))
        return usage({});
    Options options;
    if (const auto problem = parse(args.mid(1), options))
        return usage(*problem);
    if (action != QLatin1String("create") && action != QLatin1String("list") && action != QLatin1String("revoke"))
        return usage(QStringLiteral("unknown action '%1'").arg(action));
    auto opened = SqliteStore::open(options.database);
    if (!opened)
        return fail(opened.error().message);
    Store &store = *opened.value();
    if (action == QLatin1String("create"))
        return create(store, options);
    if (action == QLatin1String("list"))
        return list(store, options);
    return revoke(store, options);
}
