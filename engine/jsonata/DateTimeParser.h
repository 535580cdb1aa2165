#pragma once

#include "Value.h"

#include <string>

namespace patchbay::jsonata {

// $toMillis: reads a timestamp back through a date/time picture (or as ISO 8601 without one). Leading date
// parts the picture omits come from today, trailing ones take their minimum; an unparseable input gives
// undefined, a picture that cannot determine a timestamp gives D3136.
class DateTimeParser
{
public:
    static Value parse(const std::string &text, const std::string &picture);
};

} // namespace patchbay::jsonata
