#pragma once

#include <QString>

namespace patchbay {

// A problem in a YAML file of ours (provider definition, integration manifest), at a position.
struct DefinitionError
{
    QString file;
    int line = 0;   // 1-based; 0: the problem is the file as a whole (not readable, not a regular file, too large)
    int column = 0; // 1-based
    QString message;

    QString toString() const
    {
        if (line <= 0)
            return QStringLiteral("%1: %2").arg(file, message);
        return QStringLiteral("%1:%2:%3: %4").arg(file).arg(line).arg(column).arg(message);
    }
};

} // namespace patchbay
