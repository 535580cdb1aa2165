#pragma once

#include "Frame.h"
#include "Node.h"
#include "Value.h"

#include <memory>
#include <utility>
#include <vector>

namespace patchbay::jsonata {

class Evaluator;

// The sequence-producing half of evaluation: path navigation with flattening, predicates, focus/index/parent
// tuple streams, grouping object constructors, order-by, wildcards and descendants.
class PathEvaluator
{
public:
    explicit PathEvaluator(Evaluator &evaluator) : m_evaluator(evaluator) {}

    Value evaluatePath(const Node *node, const Value &input, Frame *env);
    Value evaluateFilter(const Node *predicate, const Value &input, Frame *env);
    Value evaluateGroup(const std::vector<std::pair<Node *, Node *>> &pairs, const Value &input, Frame *env);
    Value evaluateWildcard(const Value &input);
    Value evaluateDescendants(const Value &input);

private:
    Value evaluateStep(const Node *step, const Array &input, Frame *env, bool lastStep);
    Value evaluateTupleStep(const Node *step, const Array &input, const Value &tuples, Frame *env);
    Value evaluateStages(const std::vector<Stage> &stages, Value input, Frame *env);
    Value evaluateSort(const Node *step, const Value &input, Frame *env);
    std::shared_ptr<Frame> frameFromTuple(Frame *env, const Value &tuple);

    Evaluator &m_evaluator;
};

} // namespace patchbay::jsonata
