#include "DateTimePicture.h"

#include "ErrorText.h"
#include "Utf8.h"

#include <QChar>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace patchbay::jsonata {

namespace {
// Assigning a literal to a std::string trips a GCC 12 -Wrestrict false positive; appending does not.
void assignText(std::string &target, const char *text)
{
    target.clear();
    target.append(text);
}

int parseWidth(const std::string &s)
{
    if (s.empty() || s == "*")
        return -1;
    // Saturates rather than overflowing: a width of 19007199254740993 is simply too wide to ever be met.
    constexpr long long kWidest = 1'000'000'000;
    long long width = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            break;
        width = std::min(width * 10 + (c - '0'), kWidest);
    }
    return int(width);
}
} // namespace

const char *const DateTimePicture::kMonths[12] = {"January",   "February", "March",    "April",
                                                  "May",       "June",     "July",     "August",
                                                  "September", "October",  "November", "December"};
const char *const DateTimePicture::kDays[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                               "Friday", "Saturday", "Sunday"};
const char *const DateTimePicture::kIsoPicture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

Error DateTimePicture::fail(const char *code)
{
    return Error{code, 0, ErrorText::message(code), {}};
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
long long DateTimePicture::daysFromCivil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

void DateTimePicture::civilFromDays(long long z, long long &y, unsigned &m, unsigned &d)
{
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

DateTimePicture::DateParts DateTimePicture::partsOf(double millis)
{
    DateParts p;
    long long ms = static_cast<long long>(std::floor(millis));
    long long days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    long long rem = ms - days * 86400000;
    p.days = days;
    civilFromDays(days, p.year, p.month, p.day);
    p.hour = int(rem / 3600000);
    p.minute = int(rem / 60000 % 60);
    p.second = int(rem / 1000 % 60);
    p.millis = int(rem % 1000);
    p.dayOfWeek = int(((days % 7) + 7 + 3) % 7) + 1; // 1970-01-01 was a Thursday
    p.dayOfYear = int(days - daysFromCivil(p.year, 1, 1)) + 1;
    return p;
}

// One '[...]' marker of a picture, or a literal run between markers.

std::vector<DateTimePicture::Marker> DateTimePicture::parse(const std::string &picture)
{
    for (std::size_t k = 0; k < picture.size(); ++k) {
        if (picture[k] == '[' && k + 1 < picture.size() && picture[k + 1] == '[') {
            ++k;
        } else if (picture[k] == '[' && picture.find(']', k) == std::string::npos) {
            throw fail("D3135");
        }
    }
    std::vector<Marker> out;
    std::string literal;
    std::size_t i = 0;
    while (i < picture.size()) {
        char c = picture[i];
        if (c == '[' && i + 1 < picture.size() && picture[i + 1] == '[') {
            literal += '[';
            i += 2;
            continue;
        }
        if (c == ']' && i + 1 < picture.size() && picture[i + 1] == ']') {
            literal += ']';
            i += 2;
            continue;
        }
        if (c != '[') {
            literal += c;
            ++i;
            continue;
        }
        std::size_t close = picture.find(']', i);
        if (close == std::string::npos)
            throw fail("D3135");
        if (!literal.empty()) {
            Marker m;
            m.text = literal;
            out.push_back(m);
            literal.clear();
        }
        std::string body;
        for (std::size_t k = i + 1; k < close; ++k) {
            char b = picture[k];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r')
                body += b;
        }
        Marker m;
        m.literal = false;
        m.component = body.empty() ? 0 : body[0];
        std::string rest = body.size() > 1 ? body.substr(1) : std::string();
        std::size_t comma = rest.rfind(',');
        std::string width;
        if (comma != std::string::npos) {
            width = rest.substr(comma + 1);
            rest = rest.substr(0, comma);
        }
        if (!width.empty()) {
            std::size_t dash = width.find('-');
            m.minWidth = parseWidth(width.substr(0, dash));
            if (dash != std::string::npos)
                m.maxWidth = parseWidth(width.substr(dash + 1));
        }
        // trailing modifiers: 'o' ordinal, 'c' cardinal, 't' traditional
        if (!rest.empty() && (rest.back() == 'o' || rest.back() == 'c' || rest.back() == 't') && rest != "o" &&
            !(rest.size() >= 1 && (rest == "Nn" || rest == "n"))) {
            char mod = rest.back();
            bool isWordsOnly = rest == "w" || rest == "W" || rest == "Ww";
            if (!isWordsOnly) {
                if (mod == 'o')
                    m.ordinal = true;
                else if (mod == 't')
                    m.traditional = true;
                rest.pop_back();
            }
        }
        m.presentation = rest;
        m.hasPresentation = !rest.empty();
        static const std::string known = "YMDdFWwXxHhPmsfZzCE";
        if (known.find(m.component) == std::string::npos || m.component == 0)
            throw fail("D3132");
        if (!m.presentation.empty() && m.presentation[0] == 'N' &&
            std::string("MxFPCE").find(m.component) == std::string::npos)
            throw fail("D3133");
        if (!m.hasPresentation) {
            switch (m.component) {
            case 'F':
            case 'P':
            case 'C':
            case 'E':
                assignText(m.presentation, "n");
                break;
            case 'm':
            case 's':
                assignText(m.presentation, "01");
                break;
            case 'Z':
            case 'z':
                assignText(m.presentation, "01:01");
                break;
            default:
                assignText(m.presentation, "1");
            }
        }
        out.push_back(m);
        i = close + 1;
    }
    if (!literal.empty()) {
        Marker m;
        m.text = literal;
        out.push_back(m);
    }
    return out;
}

bool DateTimePicture::isNamePresentation(const std::string &p)
{
    return p == "N" || p == "n" || p == "Nn";
}

std::string DateTimePicture::applyCase(const std::string &name, const std::string &presentation)
{
    std::string out = name;
    if (presentation == "N") {
        for (char &c : out)
            c = char(std::toupper(static_cast<unsigned char>(c)));
    } else if (presentation == "n") {
        for (char &c : out)
            c = char(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

int DateTimePicture::countDigits(const std::string &presentation)
{
    int n = 0;
    for (char32_t c : Utf8::decode(presentation)) {
        if (QChar::digitValue(c) >= 0 || c == U'#')
            ++n;
    }
    return n;
}

int DateTimePicture::mandatoryDigits(const std::string &presentation)
{
    int n = 0;
    for (char32_t c : Utf8::decode(presentation)) {
        if (QChar::digitValue(c) >= 0)
            ++n;
    }
    return n;
}

} // namespace patchbay::jsonata
