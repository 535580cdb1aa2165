#pragma once

#include <string>

namespace patchbay::jsonata {

// Number <-> text the way JavaScript does it, because JSONata results are specified by its JavaScript reference.
class JsNumber
{
public:
    // Number.prototype.toString(): shortest round-trip digits, exponent form outside [1e-7, 1e21).
    static std::string toString(double d);
    static void append(std::string &out, double d);
    // Number(d.toPrecision(15)): what $string and JSON output of computed numbers print.
    static double roundTo15(double d);
    // Number.prototype.toString(radix) for integral values.
    static std::string toRadix(double d, int radix);
    static bool isInteger(double d);
    // $round: half to even at 'precision' decimal places, shifting the decimal point textually so that values
    // like 1.005 round as their written form suggests.
    static double roundHalfEven(double value, int precision);
};

} // namespace patchbay::jsonata
