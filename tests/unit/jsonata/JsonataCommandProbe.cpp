#include "JsonataCommand.h"

#include <QCoreApplication>

// `patchbay jsonata` on its own, for tests that run it in a child process under an address-space limit: a
// regression then fails the test instead of exhausting the machine.
int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    return runJsonataCommand(args);
}
