#pragma once

#include <QStringList>

// `patchbay jsonata [--data FILE|-] [--bindings JSON] [--timeout MS] [--max-depth N] [--max-memory MB] [--compact]
// EXPRESSION`
// 'args' are the arguments after "jsonata". Prints the result as JSON on stdout (nothing when the result is
// undefined) and returns 0; prints "CODE at position N: message" on stderr and returns 2 when the expression
// fails to compile or evaluate; returns 2 with a usage message for bad arguments and 1 for unreadable input.
int runJsonataCommand(const QStringList &args);
