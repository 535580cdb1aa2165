// patchbay: the command line — validate provider definitions, evaluate JSONata, and more to come.
#include "DryrunCommand.h"
#include "JsonataCommand.h"
#include "catalog/DefinitionLoader.h"

#include <QCoreApplication>
#include <QStringList>
#include <QTextStream>

#include <cstdio>

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

void printUsage(QTextStream &stream)
{
    stream << "Usage: patchbay COMMAND [ARGS]\n"
              "\n"
              "Commands:\n"
              "  validate FILE...     check provider definitions; prints file:line:col: message per problem\n"
              "  dryrun --provider FILE|NAME --object NAME [--base-url URL] [--credentials FILE] [--since DATE]\n"
              "         [--limit N]  run one read without a database; records as JSON lines, events on stderr\n"
              "         [--schema]   list the object's fields instead (custom ones marked), one JSON line each\n"
              "  jsonata [--data FILE|-] [--bindings JSON] EXPRESSION\n"
              "                       evaluate a JSONata expression and print the result as JSON\n"
              "  --version            print the version\n"
              "  --help               this text\n";
    stream.flush();
}

int validate(const QStringList &files)
{
    if (files.isEmpty()) {
        err() << "patchbay validate: name at least one definition file, e.g. patchbay validate "
                 "resources/providers/hubspot.yaml\n";
        return 2;
    }
    int failed = 0;
    for (const QString &file : files) {
        const patchbay::DefinitionLoadResult result = patchbay::DefinitionLoader::loadFile(file);
        if (result.ok()) {
            const auto &definition = *result.definition;
            out() << file << ": ok (" << definition.displayName << ", " << definition.objects.size()
                  << (definition.objects.size() == 1 ? " object: " : " objects: ")
                  << definition.objects.keys().join(QStringLiteral(", ")) << ")\n";
        } else {
            ++failed;
            for (const patchbay::DefinitionError &error : result.errors)
                err() << error.toString() << '\n';
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
    err() << "patchbay: unknown command '" << command << "'\n\n";
    printUsage(err());
    return 2;
}
