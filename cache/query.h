// The query language of `azblobfs query` and `.views/query/<query>` (docs/INDEX.md).
//
//   expr    := or
//   or      := and ( ('or' | '|' | '||') and )*
//   and     := unary ( ('and' | '&' | '&&') unary )*
//   unary   := ('not' | '!') unary | primary
//   primary := '(' expr ')' | 'exists' field | field 'exists' | field 'in' '(' value (',' value)* ')'
//            | field op value                       op := = == != < <= > >= ^=
//   value   := number | 'quoted' | "quoted" | bareword | true | false
//
// Keywords are case-insensitive. A number is a Value::kNumber, a quoted string (backslash
// escapes the next character) always a string, true/false booleans, any other bareword a
// string (a UUID like 032b846d-... too), except after < <= > >=, where a word that starts like
// a number and is not one is an error; a bareword ending in '*' after '=' is a prefix match. Whitespace is needed only
// between words, so a query can also be a directory name ("classification=hot&income>=100000").
//
// Contract: parse_query never throws; every error carries the 1-based column of the offending
// character (one past the end for an unexpected end). evaluate() reads one range of one field
// per leaf through FieldSource, and returns sorted, unique ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cache/index_value.h"
#include "common/status.h"

namespace azblobfs::index {

struct QueryError {
    size_t column = 0;
    std::string message;
};

struct Leaf {
    enum class Kind { kEq, kNe, kLt, kLe, kGt, kGe, kPrefix, kIn, kExists };
    std::string field;          // field key (field_key())
    Kind kind = Kind::kExists;
    std::vector<Value> values;  // one, several for kIn, none for kExists
};

struct Node {
    enum class Op { kLeaf, kAnd, kOr, kNot };
    Op op = Op::kLeaf;
    Leaf leaf;                  // kLeaf
    std::vector<Node> children; // kAnd, kOr: two or more; kNot: one
};

struct Query {
    Node root;
};

inline constexpr size_t kMaxQueryBytes = 4096;
inline constexpr int kMaxQueryDepth = 64;

std::variant<Query, QueryError> parse_query(std::string_view text);
// A canonical, fully parenthesised form: (s:a = 1 or (s:b = 2 and s:c = 3)).
std::string to_string(const Query& query);

// A number as a whole word (-?digits[.digits][e[+-]digits]), finite; nullopt otherwise.
std::optional<double> parse_number(std::string_view word);
// A field name as queries write it: [A-Za-z_][A-Za-z0-9_.-]*, not ending in '.'.
bool valid_field_name(std::string_view name);

// "income" and "sidecar.income" -> "s:income"; "meta.Foo" -> "m:foo" (metadata keys are lower
// case); "sys.size" -> "y:size".
std::string field_key(std::string_view user_field);

// What the index offers the evaluator. Ids are returned sorted ascending and unique.
class FieldSource {
public:
    virtual ~FieldSource() = default;
    // Ids of the rows of `field_key` whose encoded value v has lo <= v < hi in memcmp order
    // (hi == "": to the end of the field's rows). With `within` (sorted, unique), only ids that
    // are also in `within`: an implementation may then skip the rows it cannot match instead of
    // reading them.
    virtual Result<std::vector<uint64_t>> scan(const std::string& field_key, const std::string& lo,
                                               const std::string& hi,
                                               const std::vector<uint64_t>* within = nullptr) = 0;
    // How many ids scan(field_key, lo, hi) would return, counting at most `max_keys` distinct
    // values; nullopt when the range holds more values than that (the caller treats it as large).
    virtual Result<std::optional<uint64_t>> estimate(const std::string& field_key, const std::string& lo,
                                                     const std::string& hi, size_t max_keys) = 0;
    // Every id that has a row in the index (for `not`).
    virtual Result<std::vector<uint64_t>> all_ids() = 0;
};

// evaluate() plans each `and`: it estimates its leaves, evaluates the smallest first and scans
// the others only within the ids still possible, so a selective term keeps an unselective one
// (classification = hot) from being read in full.
Result<std::vector<uint64_t>> evaluate(const Query& query, FieldSource& source);

}  // namespace azblobfs::index
