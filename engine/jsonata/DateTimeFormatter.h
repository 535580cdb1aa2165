#pragma once

#include <string>

namespace patchbay::jsonata {

// $fromMillis/$now: formats a timestamp through an XPath fn:format-dateTime style picture, in the timezone
// given as "+HHMM"/"-HHMM". Without a picture the ISO 8601 form (2017-10-30T16:25:32.935Z) is produced.
class DateTimeFormatter
{
public:
    static std::string format(double millis, const std::string &picture, const std::string &timezone);
};

} // namespace patchbay::jsonata
