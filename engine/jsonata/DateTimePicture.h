#pragma once

#include "Error.h"

#include <string>
#include <vector>

namespace patchbay::jsonata {

// Shared pieces of the date/time picture language (XPath fn:format-dateTime) used by DateTimeFormatter and
// DateTimeParser: the picture's markers, calendar arithmetic and the names of months and days.
class DateTimePicture
{
public:
    // One '[...]' component marker of a picture, or a literal run between markers.
    struct Marker
    {
        bool literal = true;
        std::string text; // literal text
        char component = 0;
        std::string presentation; // e.g. "0001", "Nn", "w", "I"
        bool ordinal = false;
        bool traditional = false; // 't' modifier (Z for UTC)
        int minWidth = -1;
        int maxWidth = -1;
        bool hasPresentation = false;
    };

    struct DateParts
    {
        long long year = 1970;
        unsigned month = 1;
        unsigned day = 1;
        int hour = 0;
        int minute = 0;
        int second = 0;
        int millis = 0;
        int dayOfWeek = 1; // 1 = Monday
        int dayOfYear = 1;
        long long days = 0;
    };

    static const char *const kMonths[12];
    static const char *const kDays[7];
    static const char *const kIsoPicture;

    // Throws Error D3132 (unknown component), D3133 (name modifier misplaced), D3135 (unclosed marker).
    static std::vector<Marker> parse(const std::string &picture);
    static long long daysFromCivil(long long y, unsigned m, unsigned d);
    static void civilFromDays(long long z, long long &y, unsigned &m, unsigned &d);
    static DateParts partsOf(double millis);
    static bool isNamePresentation(const std::string &presentation);
    static std::string applyCase(const std::string &name, const std::string &presentation);
    static int countDigits(const std::string &presentation);
    static int mandatoryDigits(const std::string &presentation);
    static Error fail(const char *code);
};

} // namespace patchbay::jsonata
