#include "DateTimeFormatter.h"

#include "DateTimePicture.h"
#include "EvaluationBudget.h"
#include "IntegerFormatter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace patchbay::jsonata {

namespace {
using Marker = DateTimePicture::Marker;
using DateParts = DateTimePicture::DateParts;

// Assigning a literal to a std::string trips a GCC 12 -Wrestrict false positive; appending does not.
void assignText(std::string &target, const char *text)
{
    target.clear();
    target.append(text);
}

std::string formatTimezone(const Marker &m, int offsetMinutes)
{
    if (m.traditional && offsetMinutes == 0)
        return "Z";
    std::string pres = m.presentation;
    int digits = DateTimePicture::mandatoryDigits(pres);
    if (digits > 4)
        throw DateTimePicture::fail("D3134");
    const char sign = offsetMinutes < 0 ? '-' : '+';
    int abs = std::abs(offsetMinutes);
    int hours = abs / 60;
    int minutes = abs % 60;
    char buf[32];
    if (digits <= 2) {
        // "0" / "00": hours only, minutes appended when non-zero
        if (digits == 2)
            std::snprintf(buf, sizeof buf, "%c%02d", sign, hours);
        else
            std::snprintf(buf, sizeof buf, "%c%d", sign, hours);
        std::string out = buf;
        if (minutes) {
            std::snprintf(buf, sizeof buf, ":%02d", minutes);
            out += buf;
        }
        return out;
    }
    bool separated = pres.find(':') != std::string::npos;
    std::snprintf(buf, sizeof buf, separated ? "%c%02d:%02d" : "%c%02d%02d", sign, hours, minutes);
    return buf;
}

std::string formatComponent(const Marker &m, const DateParts &p, int offsetMinutes)
{
    long long value = 0;
    switch (m.component) {
    case 'Y':
        value = p.year;
        break;
    case 'M':
        value = p.month;
        break;
    case 'D':
        value = p.day;
        break;
    case 'd':
        value = p.dayOfYear;
        break;
    case 'F':
        value = p.dayOfWeek;
        break;
    case 'H':
        value = p.hour;
        break;
    case 'h':
        value = p.hour % 12 == 0 ? 12 : p.hour % 12;
        break;
    case 'm':
        value = p.minute;
        break;
    case 's':
        value = p.second;
        break;
    case 'W':
    case 'X': {
        long long thursday = p.days - (p.dayOfWeek - 1) + 3;
        long long ty;
        unsigned tm, td;
        DateTimePicture::civilFromDays(thursday, ty, tm, td);
        value = m.component == 'X' ? ty : (thursday - DateTimePicture::daysFromCivil(ty, 1, 1)) / 7 + 1;
        break;
    }
    case 'w':
    case 'x': {
        long long thursday = p.days - (p.dayOfWeek - 1) + 3;
        long long ty;
        unsigned tm, td;
        DateTimePicture::civilFromDays(thursday, ty, tm, td);
        value = m.component == 'x' ? tm : (td - 1) / 7 + 1;
        break;
    }
    case 'P': {
        std::string name = p.hour < 12 ? "am" : "pm";
        return m.presentation == "N" ? DateTimePicture::applyCase(name, "N") : name;
    }
    case 'C':
    case 'E':
        return "ISO";
    case 'f': {
        int digits = DateTimePicture::countDigits(m.presentation);
        if (digits <= 0)
            digits = 3;
        double fraction = p.millis / 1000.0;
        long long scaled = static_cast<long long>(std::floor(fraction * std::pow(10.0, digits) + 1e-9));
        std::string s = std::to_string(scaled);
        while (int(s.size()) < digits)
            s.insert(s.begin(), '0');
        return s;
    }
    case 'Z':
        return formatTimezone(m, offsetMinutes);
    case 'z': {
        Marker copy = m;
        copy.traditional = false;
        return "GMT" + formatTimezone(copy, offsetMinutes);
    }
    default:
        break;
    }
    if (DateTimePicture::isNamePresentation(m.presentation) &&
        (m.component == 'M' || m.component == 'x' || m.component == 'F')) {
        std::string name = m.component == 'F' ? DateTimePicture::kDays[value - 1] : DateTimePicture::kMonths[value - 1];
        name = DateTimePicture::applyCase(name, m.presentation);
        if (m.maxWidth > 0 && int(name.size()) > m.maxWidth)
            name.resize(std::size_t(m.maxWidth));
        return name;
    }
    std::string pres = m.presentation;
    bool twoDigitYear = false;
    if (m.component == 'Y') {
        twoDigitYear = m.maxWidth == 2 || (!m.hasPresentation && m.minWidth == 2 && m.maxWidth < 0);
        if (twoDigitYear) {
            value %= 100;
            assignText(pres, "01");
        }
    }
    std::string out = IntegerFormatter::format(double(value), m.ordinal ? pres + ";o" : pres);
    if (m.minWidth > 0 && DateTimePicture::mandatoryDigits(pres) > 0) {
        const std::size_t width = std::max<std::size_t>(std::size_t(m.minWidth), twoDigitYear ? 2 : 0);
        if (out.size() < width) {
            EvaluationBudget::ensureRoom(width); // the picture's width comes from the expression
            out.insert(0, width - out.size(), '0');
        }
    }
    return out;
}

int parseOffset(const std::string &tz)
{
    if (tz.empty())
        return 0;
    int sign = tz[0] == '-' ? -1 : 1;
    std::string digits = (tz[0] == '+' || tz[0] == '-') ? tz.substr(1) : tz;
    int value = std::atoi(digits.c_str());
    return sign * ((value / 100) * 60 + value % 100);
}

} // namespace

std::string DateTimeFormatter::format(double millis, const std::string &picture, const std::string &timezone)
{
    const int offset = parseOffset(timezone);
    const std::vector<Marker> markers =
        DateTimePicture::parse(picture.empty() ? std::string(DateTimePicture::kIsoPicture) : picture);
    DateParts parts = DateTimePicture::partsOf(millis + offset * 60000.0);
    std::string out;
    for (const Marker &m : markers)
        out += m.literal ? m.text : formatComponent(m, parts, offset);
    return out;
}

} // namespace patchbay::jsonata
