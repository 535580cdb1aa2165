#pragma once

#include "Value.h"

#include <string>

namespace patchbay::jsonata {

// XPath fn:format-dateTime style pictures for $fromMillis/$now and their inverse for $toMillis. Without a
// picture the ISO 8601 form (2017-10-30T16:25:32.935Z) is produced or parsed.
class DateTimeFormatter
{
public:
    static std::string format(double millis, const std::string &picture, const std::string &timezone);
    static Value parse(const std::string &text, const std::string &picture);
};

} // namespace patchbay::jsonata
