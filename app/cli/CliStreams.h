#pragma once

#include <QTextStream>

// The command line's standard output and error as text streams, one of each for the whole program, so that what
// commands print comes out in the order they print it.
inline QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

inline QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}
