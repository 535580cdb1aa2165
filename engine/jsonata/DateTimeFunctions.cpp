#include "DateTimeFormatter.h"
#include "DateTimeParser.h"
#include "Error.h"
#include "ErrorText.h"
#include "Evaluator.h"
#include "FunctionLibrary.h"

#include <cmath>

namespace patchbay::jsonata {

namespace {

// The ISO 8601 form is the default only when no picture is given; an empty picture formats as empty text and
// matches no timestamp.
bool isEmptyPicture(const std::vector<Value> &args, std::size_t index)
{
    return args.size() > index && args[index].isString() && args[index].asString().empty();
}

Value fnNow(CallContext &ctx, std::vector<Value> &args)
{
    if (isEmptyPicture(args, 0))
        return Value::string(std::string());
    std::string picture = !args.empty() && args[0].isString() ? args[0].asString() : std::string();
    std::string timezone = args.size() > 1 && args[1].isString() ? args[1].asString() : std::string();
    return Value::string(DateTimeFormatter::format(ctx.evaluator.nowMillis(), picture, timezone));
}

Value fnMillis(CallContext &ctx, std::vector<Value> &)
{
    return Value::number(ctx.evaluator.nowMillis());
}

Value fnFromMillis(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined())
        return {};
    if (isEmptyPicture(args, 1))
        return Value::string(std::string());
    std::string picture = args.size() > 1 && args[1].isString() ? args[1].asString() : std::string();
    std::string timezone = args.size() > 2 && args[2].isString() ? args[2].asString() : std::string();
    // Beyond the range of JavaScript dates (about 275,000 years either side of 1970) there is no date to show.
    const double millis = args[0].asNumber();
    if (!(std::fabs(millis) <= 8.64e15))
        return {};
    return Value::string(DateTimeFormatter::format(millis, picture, timezone));
}

Value fnToMillis(CallContext &, std::vector<Value> &args)
{
    if (args[0].isUndefined() || isEmptyPicture(args, 1))
        return {};
    std::string picture = args.size() > 1 && args[1].isString() ? args[1].asString() : std::string();
    return DateTimeParser::parse(args[0].asString(), picture);
}

} // namespace

void DateTimeFunctions::registerAll(std::vector<BuiltinDef> &defs)
{
    defs.push_back({"now", "<s?s?:s>", fnNow, nullptr});
    defs.push_back({"millis", "<:n>", fnMillis, nullptr});
    defs.push_back({"fromMillis", "<n-s?s?:s>", fnFromMillis, nullptr});
    defs.push_back({"toMillis", "<s-s?:n>", fnToMillis, nullptr});
}

} // namespace patchbay::jsonata
