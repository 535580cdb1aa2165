#include "AstProcessor.h"

#include "Error.h"
#include "ErrorText.h"
#include "FunctionLibrary.h"

namespace patchbay::jsonata {

Node *AstProcessor::wrapInPath(Node *step)
{
    Node *path = m_program.newNode(NodeType::Path, step->position);
    path->items.push_back(step);
    return path;
}

Node *AstProcessor::process(Node *raw)
{
    Node *result = raw;
    switch (raw->type) {
    case NodeType::Binary:
        if (raw->text == ".")
            result = processPathOperator(raw);
        else if (raw->text == "[")
            result = processPredicate(raw);
        else if (raw->text == "{")
            result = processGroup(raw);
        else if (raw->text == "^")
            result = processSort(raw);
        else if (raw->text == "@")
            result = processFocus(raw);
        else if (raw->text == "#")
            result = processIndex(raw);
        else {
            raw->lhs = process(raw->lhs);
            raw->rhs = process(raw->rhs);
            pushAncestry(raw, raw->lhs);
            pushAncestry(raw, raw->rhs);
        }
        break;
    case NodeType::Elvis:
    case NodeType::Coalesce:
        raw->lhs = process(raw->lhs);
        raw->rhs = process(raw->rhs);
        pushAncestry(raw, raw->lhs);
        pushAncestry(raw, raw->rhs);
        break;
    case NodeType::Bind:
        raw->lhs = process(raw->lhs);
        raw->rhs = process(raw->rhs);
        pushAncestry(raw, raw->rhs);
        break;
    case NodeType::Apply:
        raw->lhs = process(raw->lhs);
        raw->rhs = process(raw->rhs);
        raw->keepArray = raw->keepArray || raw->lhs->keepArray || raw->rhs->keepArray;
        break;
    case NodeType::ArrayCons:
        for (Node *&item : raw->items) {
            item = process(item);
            pushAncestry(raw, item);
        }
        break;
    case NodeType::ObjectCons:
        for (auto &[key, value] : raw->pairs) {
            key = process(key);
            pushAncestry(raw, key);
            value = process(value);
            pushAncestry(raw, value);
        }
        break;
    case NodeType::Unary:
        raw->lhs = process(raw->lhs);
        if (raw->lhs->type == NodeType::Literal && raw->lhs->literal.isNumber()) {
            result = raw->lhs;
            result->literal = Value::number(-result->literal.asNumber());
        } else {
            pushAncestry(raw, raw->lhs);
        }
        break;
    case NodeType::Function:
    case NodeType::Partial:
        for (Node *&arg : raw->items) {
            arg = process(arg);
            pushAncestry(raw, arg);
        }
        raw->procedure = process(raw->procedure);
        break;
    case NodeType::Lambda:
        raw->body = tailCallOptimize(process(raw->body));
        break;
    case NodeType::Condition:
        raw->condition = process(raw->condition);
        pushAncestry(raw, raw->condition);
        raw->thenBranch = process(raw->thenBranch);
        pushAncestry(raw, raw->thenBranch);
        if (raw->elseBranch) {
            raw->elseBranch = process(raw->elseBranch);
            pushAncestry(raw, raw->elseBranch);
        }
        break;
    case NodeType::Transform:
        raw->condition = process(raw->condition);
        raw->thenBranch = process(raw->thenBranch);
        if (raw->elseBranch)
            raw->elseBranch = process(raw->elseBranch);
        break;
    case NodeType::Block:
        for (Node *&item : raw->items) {
            item = process(item);
            pushAncestry(raw, item);
            if (item->consArray || (item->type == NodeType::Path && item->items[0]->consArray))
                raw->consArray = true;
        }
        break;
    case NodeType::Name:
        result = wrapInPath(raw);
        if (raw->keepArray)
            result->keepSingletonArray = true;
        break;
    case NodeType::Parent:
        raw->slot = std::make_shared<AncestorSlot>();
        raw->slot->label.push_back('!');
        raw->slot->label.append(std::to_string(m_ancestorLabel++));
        raw->slot->level = 1;
        raw->slot->index = m_ancestorIndex++;
        m_ancestry.push_back(raw);
        break;
    default:
        break;
    }
    if (raw->keepArray)
        result->keepArray = true;
    return result;
}

void AstProcessor::finalize(Node *node)
{
    if (!node)
        return;
    if (node->type == NodeType::Variable && !node->text.empty())
        node->builtin = FunctionLibrary::lookup(node->text);
    if (node->type == NodeType::ObjectCons) {
        bool constant = true;
        for (std::size_t i = 0; i < node->pairs.size() && constant; ++i) {
            const Node *key = node->pairs[i].first;
            constant = key->type == NodeType::Literal && key->literal.isString() && key->predicates.empty() &&
                       !key->group && !key->keepArray;
            for (std::size_t k = 0; k < i && constant; ++k)
                constant = node->pairs[k].first->literal.asString() != key->literal.asString();
        }
        node->constantKeys = constant;
    }
    if (node->type == NodeType::Path) {
        bool simple = !node->keepSingletonArray && !node->group && !node->tuple && !node->keepArray;
        for (const Node *step : node->items) {
            simple = simple && step->type == NodeType::Name && step->stages.empty() && step->predicates.empty() &&
                     step->focus.empty() && step->indexVar.empty() && !step->tuple && !step->ancestor &&
                     !step->keepArray && !step->group;
        }
        node->simplePath = simple;
    }
    finalize(node->lhs);
    finalize(node->rhs);
    for (Node *item : node->items)
        finalize(item);
    for (auto &[key, value] : node->pairs) {
        finalize(key);
        finalize(value);
    }
    for (const Stage &stage : node->predicates)
        finalize(stage.expr);
    for (const Stage &stage : node->stages)
        finalize(stage.expr);
    if (node->group) {
        for (auto &[key, value] : node->group->pairs) {
            finalize(key);
            finalize(value);
        }
    }
    for (const SortTerm &term : node->sortTerms)
        finalize(term.expr);
    finalize(node->condition);
    finalize(node->thenBranch);
    finalize(node->elseBranch);
    finalize(node->procedure);
    finalize(node->body);
}

Node *AstProcessor::processPathOperator(Node *raw)
{
    Node *lstep = process(raw->lhs);
    Node *result = lstep->type == NodeType::Path ? lstep : wrapInPath(lstep);
    if (lstep->type == NodeType::Parent)
        result->seekingParent = {lstep->slot};
    Node *rest = process(raw->rhs);
    if (rest->type == NodeType::Path) {
        result->items.insert(result->items.end(), rest->items.begin(), rest->items.end());
    } else {
        if (!rest->predicates.empty()) {
            rest->stages = std::move(rest->predicates);
            rest->predicates.clear();
        }
        result->items.push_back(rest);
    }
    for (Node *step : result->items) {
        if (step->type == NodeType::Literal) {
            if (!step->literal.isString())
                throw Error{"S0213", step->position, ErrorText::message("S0213"), step->text};
            step->type = NodeType::Name;
            step->text = step->literal.asString();
        }
        if (step->keepArray)
            result->keepSingletonArray = true;
    }
    Node *first = result->items.front();
    if (first->type == NodeType::ArrayCons)
        first->consArray = true;
    Node *last = result->items.back();
    if (last->type == NodeType::ArrayCons)
        last->consArray = true;
    resolveAncestry(result);
    return result;
}

Node *AstProcessor::processPredicate(Node *raw)
{
    Node *result = process(raw->lhs);
    Node *step = result;
    bool isPath = result->type == NodeType::Path;
    if (isPath)
        step = result->items.back();
    if (step->group)
        throw Error{"S0209", raw->position, ErrorText::message("S0209"), {}};
    Node *predicate = process(raw->rhs);
    if (!predicate->seekingParent.empty()) {
        for (auto &slot : predicate->seekingParent) {
            if (slot->level == 1)
                seekParent(step, slot);
            else
                --slot->level;
        }
        pushAncestry(step, predicate);
    }
    Stage stage;
    stage.expr = predicate;
    stage.position = raw->position;
    (isPath ? step->stages : step->predicates).push_back(stage);
    return result;
}

Node *AstProcessor::processGroup(Node *raw)
{
    Node *result = process(raw->lhs);
    if (result->group)
        throw Error{"S0210", raw->position, ErrorText::message("S0210"), {}};
    result->group = std::make_unique<GroupSpec>();
    result->group->position = raw->position;
    for (auto &[key, value] : raw->pairs)
        result->group->pairs.emplace_back(process(key), process(value));
    return result;
}

Node *AstProcessor::processSort(Node *raw)
{
    Node *result = process(raw->lhs);
    if (result->type != NodeType::Path)
        result = wrapInPath(result);
    Node *sortStep = m_program.newNode(NodeType::Sort, raw->position);
    for (SortTerm term : raw->sortTerms) {
        term.expr = process(term.expr);
        pushAncestry(sortStep, term.expr);
        sortStep->sortTerms.push_back(term);
    }
    result->items.push_back(sortStep);
    resolveAncestry(result);
    return result;
}

Node *AstProcessor::processFocus(Node *raw)
{
    Node *result = process(raw->lhs);
    Node *step = result;
    if (result->type == NodeType::Path)
        step = result->items.back();
    if (!step->stages.empty() || !step->predicates.empty())
        throw Error{"S0215", raw->position, ErrorText::message("S0215"), {}};
    if (step->type == NodeType::Sort)
        throw Error{"S0216", raw->position, ErrorText::message("S0216"), {}};
    if (raw->keepArray)
        step->keepArray = true;
    step->focus = raw->rhs->text;
    step->tuple = true;
    return result;
}

Node *AstProcessor::processIndex(Node *raw)
{
    Node *result = process(raw->lhs);
    Node *step = result;
    if (result->type == NodeType::Path) {
        step = result->items.back();
    } else {
        result = wrapInPath(result);
        if (!step->predicates.empty()) {
            step->stages = std::move(step->predicates);
            step->predicates.clear();
        }
    }
    if (step->stages.empty()) {
        step->indexVar = raw->rhs->text;
    } else {
        Stage stage;
        stage.isIndex = true;
        stage.indexVar = raw->rhs->text;
        stage.position = raw->position;
        step->stages.push_back(stage);
    }
    step->tuple = true;
    return result;
}

Node *AstProcessor::tailCallOptimize(Node *body)
{
    if (body->type == NodeType::Function && body->predicates.empty() && !body->group) {
        Node *thunk = m_program.newNode(NodeType::Lambda, body->position);
        thunk->thunk = true;
        thunk->body = body;
        return thunk;
    }
    if (body->type == NodeType::Condition) {
        body->thenBranch = tailCallOptimize(body->thenBranch);
        if (body->elseBranch)
            body->elseBranch = tailCallOptimize(body->elseBranch);
    } else if (body->type == NodeType::Block && !body->items.empty()) {
        body->items.back() = tailCallOptimize(body->items.back());
    }
    return body;
}

std::shared_ptr<AncestorSlot> AstProcessor::seekParent(Node *node, std::shared_ptr<AncestorSlot> slot)
{
    switch (node->type) {
    case NodeType::Name:
    case NodeType::Wildcard:
        --slot->level;
        if (slot->level == 0) {
            if (!node->ancestor) {
                node->ancestor = slot;
            } else {
                m_ancestry[std::size_t(slot->index)]->slot->label = node->ancestor->label;
                node->ancestor = slot;
            }
            node->tuple = true;
        }
        break;
    case NodeType::Parent:
        ++slot->level;
        break;
    case NodeType::Block:
        if (!node->items.empty()) {
            node->tuple = true;
            slot = seekParent(node->items.back(), slot);
        }
        break;
    case NodeType::Path: {
        node->tuple = true;
        int index = int(node->items.size()) - 1;
        slot = seekParent(node->items[std::size_t(index--)], slot);
        while (slot->level > 0 && index >= 0)
            slot = seekParent(node->items[std::size_t(index--)], slot);
        break;
    }
    default:
        throw Error{"S0217", node->position, ErrorText::message("S0217"), {}};
    }
    return slot;
}

void AstProcessor::pushAncestry(Node *result, Node *value)
{
    if (!value)
        return;
    if (!value->seekingParent.empty() || value->type == NodeType::Parent) {
        std::vector<std::shared_ptr<AncestorSlot>> slots = value->seekingParent;
        if (value->type == NodeType::Parent)
            slots.push_back(value->slot);
        result->seekingParent.insert(result->seekingParent.end(), slots.begin(), slots.end());
    }
}

void AstProcessor::resolveAncestry(Node *path)
{
    Node *last = path->items.back();
    std::vector<std::shared_ptr<AncestorSlot>> slots = last->seekingParent;
    if (last->type == NodeType::Parent)
        slots.push_back(last->slot);
    for (auto slot : slots) {
        int index = int(path->items.size()) - 2;
        while (slot->level > 0) {
            if (index < 0) {
                path->seekingParent.push_back(slot);
                break;
            }
            Node *step = path->items[std::size_t(index--)];
            while (index >= 0 && !step->focus.empty() && !path->items[std::size_t(index)]->focus.empty())
                step = path->items[std::size_t(index--)];
            slot = seekParent(step, slot);
        }
    }
}

} // namespace patchbay::jsonata
