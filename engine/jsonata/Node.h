#pragma once

#include "Value.h"

#include <memory>
#include <string>
#include <vector>

class QRegularExpression;

namespace patchbay::jsonata {

class Signature;

enum class NodeType : std::uint8_t {
    Path,
    Binary,
    Unary,      // '-' negation
    ArrayCons,  // [ ... ]
    ObjectCons, // { k: v, ... } standing alone (also used as a path step)
    Name,
    Literal, // string, number, true/false/null
    Wildcard,
    Descendant,
    Parent,
    Variable,
    Condition,
    Block,
    Bind,
    Regex,
    Function, // call
    Partial,  // call with '?' placeholders
    Lambda,
    Apply, // ~>
    Transform,
    Sort,        // order-by step
    Placeholder, // '?' argument of a partial application
    Elvis,       // ?:
    Coalesce,    // ??
};

enum class BinaryOp : std::uint8_t {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    And,
    Or,
    Concat,
    Range,
    In,
};

// A parent-operator ('%') slot: which enclosing step's context a '%' refers to, resolved at compile time.
struct AncestorSlot
{
    std::string label;
    int level = 1;
    int index = 0;
};

struct Node;

struct Stage
{
    bool isIndex = false; // '#$var' binding inside the stage list; otherwise a filter predicate
    Node *expr = nullptr;
    std::string indexVar;
    int position = 0;
};

struct SortTerm
{
    Node *expr = nullptr;
    bool descending = false;
};

struct GroupSpec
{
    std::vector<std::pair<Node *, Node *>> pairs;
    int position = 0;
};

// One node of the processed abstract syntax tree. Immutable after compilation: evaluation only reads it, which
// is what makes concurrent evaluation of one Expression safe.
struct Node
{
    NodeType type = NodeType::Literal;
    BinaryOp op = BinaryOp::Add;
    int position = 0;
    std::string text; // names, variable names, operator spelling, string literal text
    Value literal;    // literal value

    Node *lhs = nullptr;
    Node *rhs = nullptr;
    std::vector<Node *> items;                    // path steps, array items, block expressions, call arguments
    std::vector<std::pair<Node *, Node *>> pairs; // object constructor
    std::vector<Stage> predicates;                // filters applied to a non-step expression
    std::vector<Stage> stages;                    // filters and index bindings of a path step
    std::unique_ptr<GroupSpec> group;             // grouping object constructor '{...}' after an expression
    std::vector<SortTerm> sortTerms;

    // condition / transform
    Node *condition = nullptr;
    Node *thenBranch = nullptr;
    Node *elseBranch = nullptr;

    // function call / lambda
    Node *procedure = nullptr;
    std::vector<std::string> params;
    std::shared_ptr<Signature> signature;
    Node *body = nullptr;
    bool thunk = false;

    std::shared_ptr<QRegularExpression> regex;

    const Value *builtin = nullptr; // Variable: the built-in of that name, used when no variable shadows it
    bool simplePath = false;        // Path: only plain name steps, evaluated without building sequences
    bool constantKeys = false;      // ObjectCons: distinct string-literal keys, built without grouping
    bool keepArray = false;
    bool keepSingletonArray = false;
    bool consArray = false;
    bool tuple = false;
    std::string focus;                      // '@$var'
    std::string indexVar;                   // '#$var'
    std::shared_ptr<AncestorSlot> ancestor; // this step binds its context for a '%' further right
    std::shared_ptr<AncestorSlot> slot;     // the '%' node's slot
    std::vector<std::shared_ptr<AncestorSlot>> seekingParent;
};

} // namespace patchbay::jsonata
