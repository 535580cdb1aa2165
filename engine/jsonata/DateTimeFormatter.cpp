#include "DateTimeFormatter.h"

#include "Error.h"
#include "ErrorText.h"
#include "IntegerFormatter.h"
#include "Utf8.h"

#include <QChar>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

namespace patchbay::jsonata {

namespace {

const char *const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char *const kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
const char *const kIsoPicture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

// Assigning a literal to a std::string trips a GCC 12 -Wrestrict false positive; appending does not.
void assignText(std::string &target, const char *text)
{
    target.clear();
    target.append(text);
}

Error fail(const char *code)
{
    return Error{code, 0, ErrorText::message(code), {}};
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
long long daysFromCivil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civilFromDays(long long z, long long &y, unsigned &m, unsigned &d)
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

DateParts partsOf(double millis)
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
struct Marker
{
    bool literal = true;
    std::string text;       // literal text
    char component = 0;
    std::string presentation; // e.g. "0001", "Nn", "w", "I"
    bool ordinal = false;
    bool traditional = false; // 't' modifier (Z for UTC)
    int minWidth = -1;
    int maxWidth = -1;
    bool hasPresentation = false;
};

int parseWidth(const std::string &s)
{
    if (s.empty() || s == "*")
        return -1;
    return std::atoi(s.c_str());
}

std::vector<Marker> parsePicture(const std::string &picture)
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

bool isNamePresentation(const std::string &p)
{
    return p == "N" || p == "n" || p == "Nn";
}

std::string applyCase(const std::string &name, const std::string &presentation)
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

int countDigits(const std::string &presentation)
{
    int n = 0;
    for (char32_t c : Utf8::decode(presentation)) {
        if (QChar::digitValue(c) >= 0 || c == U'#')
            ++n;
    }
    return n;
}

int mandatoryDigits(const std::string &presentation)
{
    int n = 0;
    for (char32_t c : Utf8::decode(presentation)) {
        if (QChar::digitValue(c) >= 0)
            ++n;
    }
    return n;
}

std::string formatTimezone(const Marker &m, int offsetMinutes)
{
    if (m.traditional && offsetMinutes == 0)
        return "Z";
    std::string pres = m.presentation;
    int digits = mandatoryDigits(pres);
    if (digits > 4)
        throw fail("D3134");
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
        civilFromDays(thursday, ty, tm, td);
        value = m.component == 'X' ? ty : (thursday - daysFromCivil(ty, 1, 1)) / 7 + 1;
        break;
    }
    case 'w':
    case 'x': {
        long long thursday = p.days - (p.dayOfWeek - 1) + 3;
        long long ty;
        unsigned tm, td;
        civilFromDays(thursday, ty, tm, td);
        value = m.component == 'x' ? tm : (td - 1) / 7 + 1;
        break;
    }
    case 'P': {
        std::string name = p.hour < 12 ? "am" : "pm";
        return m.presentation == "N" ? applyCase(name, "N") : name;
    }
    case 'C':
    case 'E':
        return "ISO";
    case 'f': {
        int digits = countDigits(m.presentation);
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
    if (isNamePresentation(m.presentation) && (m.component == 'M' || m.component == 'x' || m.component == 'F')) {
        std::string name = m.component == 'F' ? kDays[value - 1] : kMonths[value - 1];
        name = applyCase(name, m.presentation);
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
    if (m.minWidth > 0 && mandatoryDigits(pres) > 0) {
        while (int(out.size()) < m.minWidth || (twoDigitYear && out.size() < 2))
            out.insert(out.begin(), '0');
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

// ---- parsing ----

struct Cursor
{
    const std::string &text;
    std::size_t pos = 0;
    bool atEnd() const { return pos >= text.size(); }
};

bool isNumberWord(const std::string &w)
{
    static const char *const words[] = {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
        "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion",
        "trillion", "and", "first", "second", "third", "fifth", "eighth", "ninth", "twelfth"};
    std::string lower;
    for (char c : w)
        lower += char(std::tolower(static_cast<unsigned char>(c)));
    for (const char *candidate : words) {
        std::string c = candidate;
        if (lower == c || lower == c + "th" || lower == c + "s")
            return true;
        if (c.back() == 'y' && lower == c.substr(0, c.size() - 1) + "ieth")
            return true;
    }
    return false;
}

std::string takeWords(Cursor &cur)
{
    // number words joined by spaces, hyphens and commas; stop at the first word that is not one
    std::size_t end = cur.pos;
    std::size_t p = cur.pos;
    while (p < cur.text.size()) {
        std::size_t start = p;
        while (p < cur.text.size() && std::isalpha(static_cast<unsigned char>(cur.text[p])))
            ++p;
        if (p == start || !isNumberWord(cur.text.substr(start, p - start)))
            break;
        end = p;
        while (p < cur.text.size() && (cur.text[p] == ' ' || cur.text[p] == '-' || cur.text[p] == ','))
            ++p;
    }
    std::string out = cur.text.substr(cur.pos, end - cur.pos);
    cur.pos = end;
    return out;
}

bool parseComponent(const Marker &m, Cursor &cur, int maxDigits, long long &value, int &offsetMinutes)
{
    const std::string &pres = m.presentation;
    auto takeWhile = [&cur](auto pred, std::size_t limit) {
        std::size_t start = cur.pos;
        while (cur.pos < cur.text.size() && cur.pos - start < limit && pred(cur.text[cur.pos]))
            ++cur.pos;
        return cur.text.substr(start, cur.pos - start);
    };
    auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
    if (m.component == 'Z' || m.component == 'z') {
        if (m.component == 'z') {
            if (cur.text.compare(cur.pos, 3, "GMT") != 0)
                return false;
            cur.pos += 3;
        }
        if (cur.atEnd())
            return false;
        if (cur.text[cur.pos] == 'Z') {
            ++cur.pos;
            offsetMinutes = 0;
            return true;
        }
        char sign = cur.text[cur.pos];
        if (sign != '+' && sign != '-')
            return false;
        ++cur.pos;
        std::string h = takeWhile(isDigit, 4);
        int hours = 0;
        int minutes = 0;
        if (h.size() > 2) {
            hours = std::atoi(h.substr(0, h.size() - 2).c_str());
            minutes = std::atoi(h.substr(h.size() - 2).c_str());
        } else {
            hours = std::atoi(h.c_str());
            if (!cur.atEnd() && cur.text[cur.pos] == ':') {
                ++cur.pos;
                minutes = std::atoi(takeWhile(isDigit, 2).c_str());
            }
        }
        offsetMinutes = (sign == '-' ? -1 : 1) * (hours * 60 + minutes);
        return true;
    }
    if (m.component == 'P') {
        std::string s = takeWhile([](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }, 2);
        for (char &c : s)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        if (s != "am" && s != "pm")
            return false;
        value = s == "pm" ? 1 : 0;
        return true;
    }
    if (isNamePresentation(pres) && (m.component == 'M' || m.component == 'x' || m.component == 'F')) {
        std::string word = takeWhile([](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; },
                                     std::string::npos);
        std::string lower;
        for (char c : word)
            lower += char(std::tolower(static_cast<unsigned char>(c)));
        const char *const *names = m.component == 'F' ? kDays : kMonths;
        int count = m.component == 'F' ? 7 : 12;
        for (int i = 0; i < count; ++i) {
            std::string name;
            for (const char *c = names[i]; *c; ++c)
                name += char(std::tolower(static_cast<unsigned char>(*c)));
            if (lower == name || (lower.size() >= 3 && name.compare(0, lower.size(), lower) == 0)) {
                value = i + 1;
                return true;
            }
        }
        return false;
    }
    if (pres == "w" || pres == "W" || pres == "Ww") {
        std::string words = takeWords(cur);
        if (words.empty())
            return false;
        value = static_cast<long long>(IntegerFormatter::fromWords(words));
        return true;
    }
    if (pres == "I" || pres == "i") {
        std::string r = takeWhile([](char c) { return std::strchr("IVXLCDMivxlcdm", c) != nullptr && c; },
                                  std::string::npos);
        if (r.empty())
            return false;
        value = IntegerFormatter::fromRoman(r);
        return true;
    }
    if (pres == "A" || pres == "a") {
        std::string letters = takeWhile([](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; },
                                        std::string::npos);
        if (letters.empty())
            return false;
        for (char &c : letters)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        value = IntegerFormatter::fromLetters(letters, 'a');
        return true;
    }
    std::string digits = takeWhile(isDigit, maxDigits > 0 ? std::size_t(maxDigits) : std::string::npos);
    if (digits.empty())
        return false;
    if (m.component == 'f') {
        double fraction = std::atof(("0." + digits).c_str());
        value = static_cast<long long>(std::floor(fraction * 1000 + 1e-9));
    } else {
        value = std::atoll(digits.c_str());
    }
    if (m.ordinal)
        takeWhile([](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }, 2);
    return true;
}

Value parseIso(const std::string &text)
{
    // YYYY[-MM[-DD[THH:mm[:ss[.sss]][Z|+HH:MM|+HHMM]]]]
    std::size_t i = 0;
    auto num = [&](int n, long long &out) {
        if (i + std::size_t(n) > text.size())
            return false;
        out = 0;
        for (int k = 0; k < n; ++k) {
            char c = text[i + std::size_t(k)];
            if (c < '0' || c > '9')
                return false;
            out = out * 10 + (c - '0');
        }
        i += std::size_t(n);
        return true;
    };
    long long year, month = 1, day = 1, hour = 0, minute = 0, second = 0;
    double millis = 0;
    int offset = 0;
    if (!num(4, year))
        throw fail("D3110");
    if (i < text.size() && text[i] == '-') {
        ++i;
        if (!num(2, month))
            throw fail("D3110");
        if (i < text.size() && text[i] == '-') {
            ++i;
            if (!num(2, day))
                throw fail("D3110");
            if (i < text.size() && text[i] == 'T') {
                ++i;
                if (!num(2, hour) || i >= text.size() || text[i] != ':')
                    throw fail("D3110");
                ++i;
                if (!num(2, minute))
                    throw fail("D3110");
                if (i < text.size() && text[i] == ':') {
                    ++i;
                    if (!num(2, second))
                        throw fail("D3110");
                    if (i < text.size() && text[i] == '.') {
                        ++i;
                        std::size_t start = i;
                        while (i < text.size() && text[i] >= '0' && text[i] <= '9')
                            ++i;
                        millis = std::floor(std::atof(("0." + text.substr(start, i - start)).c_str()) * 1000 + 1e-9);
                    }
                }
                if (i < text.size() && text[i] == 'Z') {
                    ++i;
                } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
                    int sign = text[i] == '-' ? -1 : 1;
                    ++i;
                    long long oh, om;
                    if (!num(2, oh))
                        throw fail("D3110");
                    if (i < text.size() && text[i] == ':')
                        ++i;
                    if (!num(2, om))
                        throw fail("D3110");
                    offset = sign * int(oh * 60 + om);
                }
            }
        }
    }
    if (i != text.size() || month < 1 || month > 12 || day < 1 || day > 31)
        throw fail("D3110");
    double days = double(daysFromCivil(year, unsigned(month), unsigned(day)));
    return Value::number(days * 86400000.0 + double(hour * 3600000 + minute * 60000 + second * 1000) + millis -
                         offset * 60000.0);
}

} // namespace

std::string DateTimeFormatter::format(double millis, const std::string &picture, const std::string &timezone)
{
    const int offset = parseOffset(timezone);
    const std::vector<Marker> markers = parsePicture(picture.empty() ? std::string(kIsoPicture) : picture);
    DateParts parts = partsOf(millis + offset * 60000.0);
    std::string out;
    for (const Marker &m : markers)
        out += m.literal ? m.text : formatComponent(m, parts, offset);
    return out;
}

Value DateTimeFormatter::parse(const std::string &text, const std::string &picture)
{
    if (picture.empty())
        return parseIso(text);
    const std::vector<Marker> markers = parsePicture(picture);
    std::map<char, long long> values;
    int offset = 0;
    bool hasOffset = false;
    Cursor cur{text};
    for (std::size_t i = 0; i < markers.size(); ++i) {
        const Marker &m = markers[i];
        if (m.literal) {
            if (text.compare(cur.pos, m.text.size(), m.text) != 0)
                return {};
            cur.pos += m.text.size();
            continue;
        }
        // Adjacent numeric components ("[Y0001][M01]") need a width to know where one ends.
        int maxDigits = m.maxWidth;
        bool nextIsComponent = i + 1 < markers.size() && !markers[i + 1].literal;
        if (maxDigits < 0 && nextIsComponent)
            maxDigits = std::max(countDigits(m.presentation), 1);
        long long value = 0;
        int tz = 0;
        if (!parseComponent(m, cur, maxDigits, value, tz))
            return {};
        if (m.component == 'Z' || m.component == 'z') {
            offset = tz;
            hasOffset = true;
        } else {
            values[m.component] = value;
        }
    }
    (void)hasOffset;
    if (values.empty())
        return {};
    for (char c : {'X', 'W', 'x', 'w'}) {
        if (values.count(c))
            throw fail("D3136");
    }
    const bool useDayOfYear = values.count('d') > 0;
    if (values.count('h') && !values.count('H')) {
        long long h = values['h'] % 12;
        if (values.count('P') && values['P'] == 1)
            h += 12;
        values['H'] = h;
    }
    std::vector<char> order = useDayOfYear ? std::vector<char>{'Y', 'd', 'H', 'm', 's', 'f'}
                                           : std::vector<char>{'Y', 'M', 'D', 'H', 'm', 's', 'f'};
    std::string mask;
    for (char c : order)
        mask += values.count(c) ? '1' : '0';
    std::size_t first = mask.find('1');
    std::size_t last = mask.rfind('1');
    if (mask.find('0', first) < last)
        throw fail("D3136");
    // Leading parts that are missing come from the current date, trailing ones take their minimum.
    const double nowMs = double(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
    DateParts now = partsOf(nowMs);
    for (std::size_t k = 0; k < first; ++k) {
        switch (order[k]) {
        case 'Y':
            values['Y'] = now.year;
            break;
        case 'M':
            values['M'] = now.month;
            break;
        case 'D':
            values['D'] = now.day;
            break;
        case 'd':
            values['d'] = now.dayOfYear;
            break;
        case 'H':
            values['H'] = now.hour;
            break;
        default:
            break;
        }
    }
    long long year = values.count('Y') ? values['Y'] : 1970;
    long long days;
    if (useDayOfYear) {
        days = daysFromCivil(year, 1, 1) + (values.count('d') ? values['d'] : 1) - 1;
    } else {
        long long month = values.count('M') ? values['M'] : 1;
        long long day = values.count('D') ? values['D'] : 1;
        days = daysFromCivil(year, unsigned(month), unsigned(day));
    }
    double ms = double(days) * 86400000.0 + double(values.count('H') ? values['H'] : 0) * 3600000.0 +
                double(values.count('m') ? values['m'] : 0) * 60000.0 +
                double(values.count('s') ? values['s'] : 0) * 1000.0 + double(values.count('f') ? values['f'] : 0);
    ms -= offset * 60000.0;
    return Value::number(ms);
}

} // namespace patchbay::jsonata
