#include "JsonataCommand.h"

#include "core/BoundedFile.h"
#include "jsonata/Expression.h"

#include <QFile>

#include <cstdio>
#include <string>

using namespace patchbay::jsonata;

namespace {

// Generous defaults for interactive use; a runaway expression still ends with U1001 (time, depth) or U1002
// (memory) instead of hanging or exhausting the machine.
constexpr int kDefaultTimeoutMs = 10000;
constexpr int kDefaultMaxDepth = 2000;
constexpr int kDefaultMaxMemoryMb = 1024;

void writeTo(std::FILE *stream, const std::string &text)
{
    std::fwrite(text.data(), 1, text.size(), stream);
    std::fflush(stream);
}

int usage(const std::string &problem)
{
    std::string text;
    if (!problem.empty())
        text += "patchbay jsonata: " + problem + "\n\n";
    text += "Usage: patchbay jsonata [OPTIONS] EXPRESSION\n"
            "\n"
            "Evaluates a JSONata expression and prints the result as JSON.\n"
            "\n"
            "Options:\n"
            "  --data FILE|-      input document (JSON) from FILE or standard input, at most --max-memory\n"
            "                     in size; default: no input\n"
            "  --bindings JSON    a JSON object of variables, e.g. '{\"rate\": 1.2}' for $rate\n"
            "  --timeout MS       stop evaluation after MS milliseconds (default 10000)\n"
            "  --max-depth N      stop evaluation nested deeper than N (default 2000)\n"
            "  --max-memory MB    stop evaluation whose values take more than MB megabytes (default 1024)\n"
            "  --compact          print the result on one line\n"
            "\n"
            "Example: patchbay jsonata --data contact.json '$lowercase(properties.email)'\n";
    // Asked for (--help): the text is the answer, on standard output. After a mistake it explains the mistake.
    writeTo(problem.empty() ? stdout : stderr, text);
    return problem.empty() ? 0 : 2;
}

// The input document, at most maxBytes: a file (refused before it is read when larger, or not a regular file such
// as /dev/zero), or standard input (refused as soon as it passes the bound), so a mistake cannot fill the memory.
patchbay::Result<QByteArray> readData(const QString &path, qint64 maxBytes)
{
    if (path != QLatin1String("-")) {
        auto bytes = patchbay::readBoundedFile(path, maxBytes);
        if (!bytes)
            return patchbay::makeError("cli.unreadable", path + QLatin1Char(' ') + bytes.error().message);
        return bytes;
    }
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return patchbay::makeError("cli.unreadable", QStringLiteral("cannot read standard input"));
    QByteArray bytes;
    for (;;) {
        const QByteArray chunk = in.read(1024 * 1024);
        if (chunk.isEmpty())
            return bytes;
        bytes += chunk;
        if (bytes.size() > maxBytes) {
            return patchbay::makeError("cli.too_large",
                                       QStringLiteral("standard input is larger than %1; raise --max-memory to "
                                                      "read more")
                                           .arg(patchbay::describeByteCount(maxBytes)));
        }
    }
}

std::string describe(const Error &error)
{
    return error.code + " at position " + std::to_string(error.position) + ": " + error.message + "\n";
}

} // namespace

int runJsonataCommand(const QStringList &args)
{
    QString dataPath;
    QString bindingsJson;
    QString expressionText;
    bool haveExpression = false;
    bool compact = false;
    EvalLimits limits{kDefaultTimeoutMs, kDefaultMaxDepth, kDefaultMaxMemoryMb};
    for (int i = 0; i < args.size(); ++i) {
        const QString &arg = args[i];
        auto next = [&](QString &target) {
            if (i + 1 >= args.size())
                return false;
            target = args[++i];
            return true;
        };
        auto nextInt = [&](int &target) {
            QString text;
            bool ok = false;
            if (next(text))
                target = text.toInt(&ok);
            return ok && target > 0;
        };
        if (arg == QLatin1String("--data")) {
            if (!next(dataPath))
                return usage("--data needs a file name, or - for standard input");
        } else if (arg == QLatin1String("--bindings")) {
            if (!next(bindingsJson))
                return usage("--bindings needs a JSON object");
        } else if (arg == QLatin1String("--timeout")) {
            if (!nextInt(limits.timeoutMs))
                return usage("--timeout needs a positive number of milliseconds");
        } else if (arg == QLatin1String("--max-depth")) {
            if (!nextInt(limits.maxDepth))
                return usage("--max-depth needs a positive number");
        } else if (arg == QLatin1String("--max-memory")) {
            if (!nextInt(limits.maxMemoryMb))
                return usage("--max-memory needs a positive number of megabytes");
        } else if (arg == QLatin1String("--compact")) {
            compact = true;
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            return usage({});
        } else if (arg.startsWith(QLatin1String("--")) && arg != QLatin1String("--")) {
            return usage("unknown option " + arg.toStdString());
        } else if (!haveExpression) {
            if (arg == QLatin1String("--")) {
                if (i + 1 >= args.size())
                    return usage("missing EXPRESSION after --");
                expressionText = args[++i];
            } else {
                expressionText = arg;
            }
            haveExpression = true;
        } else {
            return usage("more than one EXPRESSION given (quote the expression as one argument)");
        }
    }
    if (!haveExpression)
        return usage("missing EXPRESSION");

    Value input;
    if (!dataPath.isEmpty()) {
        // The parsed document takes several times its text: the text may use at most the memory budget.
        const auto data = readData(dataPath, qint64(limits.maxMemoryMb) * 1024 * 1024);
        if (!data) {
            writeTo(stderr, "patchbay jsonata: " + data.error().message.toStdString() + "\n");
            return 1;
        }
        const std::string text(data.value().constData(), std::size_t(data.value().size()));
        Result<Value> parsed = Value::fromJson(text);
        if (!parsed) {
            writeTo(stderr, "patchbay jsonata: " + dataPath.toStdString() + " is not valid JSON (offset " +
                                std::to_string(parsed.error().position) + ": " + parsed.error().message + ")\n");
            return 1;
        }
        input = parsed.value();
    }
    Bindings bindings;
    if (!bindingsJson.isEmpty()) {
        Result<Value> parsed = Value::fromJson(bindingsJson.toStdString());
        if (!parsed || !parsed.value().isObject())
            return usage("--bindings must be a JSON object, e.g. '{\"name\": \"value\"}'");
        for (const auto &[name, value] : parsed.value().asObject().entries())
            bindings.set(name, value);
    }

    Result<Expression> expression = Expression::compile(expressionText);
    if (!expression) {
        writeTo(stderr, describe(expression.error()));
        return 2;
    }
    Result<Value> result = expression.value().evaluate(input, bindings, limits);
    if (!result) {
        writeTo(stderr, describe(result.error()));
        return 2;
    }
    if (result.value().isDefined())
        writeTo(stdout, result.value().toJson(!compact) + "\n");
    return 0;
}
