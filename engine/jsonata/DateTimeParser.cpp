#include "DateTimeParser.h"

#include "DateTimePicture.h"
#include "IntegerFormatter.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

namespace patchbay::jsonata {

namespace {
using Marker = DateTimePicture::Marker;
using DateParts = DateTimePicture::DateParts;

struct Cursor
{
    const std::string &text;
    std::size_t pos = 0;
    bool atEnd() const { return pos >= text.size(); }
};

bool isNumberWord(const std::string &w)
{
    static const char *const words[] = {
        "zero",     "one",      "two",      "three",   "four",     "five",     "six",     "seven",   "eight",
        "nine",     "ten",      "eleven",   "twelve",  "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty",   "thirty",  "forty",    "fifty",    "sixty",   "seventy", "eighty",
        "ninety",   "hundred",  "thousand", "million", "billion",  "trillion", "and",     "first",   "second",
        "third",    "fifth",    "eighth",   "ninth",   "twelfth"};
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
    if (DateTimePicture::isNamePresentation(pres) && (m.component == 'M' || m.component == 'x' || m.component == 'F')) {
        std::string word =
            takeWhile([](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }, std::string::npos);
        std::string lower;
        for (char c : word)
            lower += char(std::tolower(static_cast<unsigned char>(c)));
        const char *const *names = m.component == 'F' ? DateTimePicture::kDays : DateTimePicture::kMonths;
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
        value = static_cast<long long>(std::min(IntegerFormatter::fromWords(words), 1e15));
        return true;
    }
    if (pres == "I" || pres == "i") {
        std::string r =
            takeWhile([](char c) { return std::strchr("IVXLCDMivxlcdm", c) != nullptr && c; }, std::string::npos);
        if (r.empty())
            return false;
        value = IntegerFormatter::fromRoman(r);
        return true;
    }
    if (pres == "A" || pres == "a") {
        std::string letters =
            takeWhile([](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }, std::string::npos);
        if (letters.empty())
            return false;
        for (char &c : letters)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        value = static_cast<long long>(std::min(IntegerFormatter::fromLetters(letters, 'a'), 1e15));
        return true;
    }
    // At most 15 digits: enough for any timestamp, and no integer overflow further on.
    std::string digits = takeWhile(isDigit, maxDigits > 0 ? std::size_t(std::min(maxDigits, 15)) : std::size_t(15));
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
        throw DateTimePicture::fail("D3110");
    if (i < text.size() && text[i] == '-') {
        ++i;
        if (!num(2, month))
            throw DateTimePicture::fail("D3110");
        if (i < text.size() && text[i] == '-') {
            ++i;
            if (!num(2, day))
                throw DateTimePicture::fail("D3110");
            if (i < text.size() && text[i] == 'T') {
                ++i;
                if (!num(2, hour) || i >= text.size() || text[i] != ':')
                    throw DateTimePicture::fail("D3110");
                ++i;
                if (!num(2, minute))
                    throw DateTimePicture::fail("D3110");
                if (i < text.size() && text[i] == ':') {
                    ++i;
                    if (!num(2, second))
                        throw DateTimePicture::fail("D3110");
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
                        throw DateTimePicture::fail("D3110");
                    if (i < text.size() && text[i] == ':')
                        ++i;
                    if (!num(2, om))
                        throw DateTimePicture::fail("D3110");
                    offset = sign * int(oh * 60 + om);
                }
            }
        }
    }
    if (i != text.size() || month < 1 || month > 12 || day < 1 || day > 31)
        throw DateTimePicture::fail("D3110");
    double days = double(DateTimePicture::daysFromCivil(year, unsigned(month), unsigned(day)));
    return Value::number(days * 86400000.0 + double(hour * 3600000 + minute * 60000 + second * 1000) + millis -
                         offset * 60000.0);
}

} // namespace

Value DateTimeParser::parse(const std::string &text, const std::string &picture)
{
    if (picture.empty())
        return parseIso(text);
    const std::vector<Marker> markers = DateTimePicture::parse(picture);
    for (const Marker &m : markers) {
        // Era and calendar are only ever names, and only month and day names can be read back.
        if (!m.literal && (m.component == 'E' || m.component == 'C'))
            throw DateTimePicture::fail("D3133");
    }
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
            maxDigits = std::max(DateTimePicture::countDigits(m.presentation), 1);
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
    // The picture must account for the whole text: "2024x" does not match "[Y0001]".
    if (cur.pos != text.size() || values.empty())
        return {};
    for (char c : {'X', 'W', 'x', 'w'}) {
        if (values.count(c))
            throw DateTimePicture::fail("D3136");
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
    if (first != std::string::npos && mask.find('0', first) < last)
        throw DateTimePicture::fail("D3136");
    // Leading parts that are missing come from the current date, trailing ones take their minimum.
    const double nowMs = double(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    if (first == std::string::npos)
        return Value::number(nowMs); // nothing but a weekday or am/pm: every part is missing, all come from now
    DateParts now = DateTimePicture::partsOf(nowMs);
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
        days = DateTimePicture::daysFromCivil(year, 1, 1) + (values.count('d') ? values['d'] : 1) - 1;
    } else {
        long long month = values.count('M') ? values['M'] : 1;
        long long day = values.count('D') ? values['D'] : 1;
        days = DateTimePicture::daysFromCivil(year, unsigned(month), unsigned(day));
    }
    double ms = double(days) * 86400000.0 + double(values.count('H') ? values['H'] : 0) * 3600000.0 +
                double(values.count('m') ? values['m'] : 0) * 60000.0 +
                double(values.count('s') ? values['s'] : 0) * 1000.0 + double(values.count('f') ? values['f'] : 0);
    ms -= offset * 60000.0;
    return Value::number(ms);
}

} // namespace patchbay::jsonata
