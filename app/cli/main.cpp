// patchbay: the command line — validate provider definitions, evaluate JSONata, manage patchbayd's API keys.
#include "CliStreams.h"
#include "DryrunCommand.h"
#include "JsonataCommand.h"
#include "KeysCommand.h"
#include "catalog/DefinitionValidator.h"

#include <QCoreApplication>
#include <QStringList>
#include <QTextStream>

#include <cstdio>

namespace {

void printUsage(QTextStream &stream)
{
    stream << "Usage: patchbay COMMAND [ARGS]\n"
              "\n"
              "Commands:\n"
              "  validate FILE...     check provider definitions and integration manifests; prints\n"
              "                       file:line:col: message per problem\n"
              "  dryrun --provider FILE|NAME --object NAME [--base-url URL] [--credentials FILE] [--since DATE]\n"
              "         [--limit N]  run one read without a database; records as JSON lines, events on stderr\n"
              "         [--schema]   list the object's fields instead (custom ones marked), one JSON line each\n"
              "  jsonata [--data FILE|-] [--bindings JSON] EXPRESSION\n"
              "                       evaluate a JSONata expression and print the result as JSON\n"
              "  keys create [--database FILE] --role ROLE [--tenant NAME|ID] [--name TEXT]\n"
              "                       make an API key for patchbayd and print it (once)\n"
              "  keys list|revoke ID  list API keys (never their secrets), or revoke one\n"
              "  --version            print the version\n"
              "  --help               this text; COMMAND --help tells more about a command\n";
    stream.flush();
}

void printValidateUsage(QTextStream &stream)
{
    stream << "Usage: patchbay validate FILE...\n"
              "\n"
              "Checks provider definitions (resources/providers/*.yaml) and integration manifests\n"
              "(resources/integrations/*.yaml, recognised by their top-level 'integrations' list). A manifest's\n"
              "providers and objects are looked up among the built-in definitions and the definitions given on\n"
              "the same command line, and its mappings are compiled as JSONata.\n"
              "Prints 'FILE: ok (...)' on standard output for each good file and 'FILE:LINE:COL: problem' on\n"
              "standard error for each problem. Exit status: 0 all good, 1 a file has problems, 2 bad usage.\n"
              "\n"
              "Example: patchbay validate my-provider.yaml my-manifest.yaml\n";
    stream.flush();
}

QString countedNames(qsizetype count, const char *one, const char *many, const QStringList &names)
{
    return QStringLiteral("%1 %2: %3")
        .arg(count)
        .arg(QLatin1String(count == 1 ? one : many), names.join(QStringLiteral(", ")));
}

int validate(const QStringList &files)
{
    if (files.contains(QLatin1String("--help")) || files.contains(QLatin1String("-h"))) {
        printValidateUsage(out());
        return 0;
    }
    if (files.isEmpty()) {
        err() << "patchbay validate: name at least one definition file, e.g. patchbay validate "
                 "resources/providers/hubspot.yaml\n";
        return 2;
    }
    int failed = 0;
    const auto checked = patchbay::DefinitionValidator::validateFiles(files, patchbay::ProviderCatalog::builtIn());
    for (const patchbay::ValidatedFile &file : checked) {
        if (!file.ok()) {
            ++failed;
            for (const patchbay::DefinitionError &error : file.errors)
                err() << error.toString() << '\n';
        } else if (file.provider) {
            const patchbay::ProviderDefinition &definition = *file.provider;
            out() << file.file << ": ok (" << definition.displayName << ", "
                  << countedNames(definition.objects.size(), "object", "objects", definition.objects.keys()) << ")\n";
        } else {
            QStringList names;
            for (const patchbay::IntegrationDefinition &integration : file.integrations)
                names.append(integration.name);
            out() << file.file << ": ok (" << countedNames(names.size(), "integration", "integrations", names) << ")\n";
        }
    }
    out().flush();
    err().flush();
    return failed == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("patchbay"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATCHBAY_VERSION));
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty()) {
        printUsage(err());
        return 2;
    }
    const QString command = args.takeFirst();
    if (command == QLatin1String("--version") || command == QLatin1String("version")) {
        out() << "patchbay " << PATCHBAY_VERSION << '\n';
        return 0;
    }
    if (command == QLatin1String("--help") || command == QLatin1String("help")) {
        printUsage(out());
        return 0;
    }
    if (command == QLatin1String("validate"))
        return validate(args);
    if (command == QLatin1String("dryrun"))
        return runDryrunCommand(args);
    if (command == QLatin1String("jsonata"))
        return runJsonataCommand(args);
    if (command == QLatin1String("keys"))
        return runKeysCommand(args);
    err() << "patchbay: unknown command '" << command << "'\n\n";
    printUsage(err());
    return 2;
}
