// evaluate() of cache/query.h: each leaf is one range of one field's rows.
#include <algorithm>
#include <iterator>

#include "cache/query.h"

namespace azblobfs::index {
namespace {

using Ids = std::vector<uint64_t>;

Ids unite(const Ids& a, const Ids& b) {
    Ids out;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Ids intersect(const Ids& a, const Ids& b) {
    Ids out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Ids subtract(const Ids& a, const Ids& b) {
    Ids out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Result<Ids> equal(FieldSource& source, const std::string& field, const Value& v) {
    AZB_ASSIGN_OR_RETURN(std::string enc, encode_value(v));
    return source.scan(field, enc, prefix_successor(enc));
}

Result<Ids> leaf(const Leaf& l, FieldSource& source) {
    using K = Leaf::Kind;
    if (l.kind == K::kExists) return source.scan(l.field, "", "");
    if (l.kind == K::kIn) {
        Ids out;
        for (const Value& v : l.values) {
            AZB_ASSIGN_OR_RETURN(Ids some, equal(source, l.field, v));
            out = unite(out, some);
        }
        return out;
    }
    const Value& v = l.values.front();
    if (l.kind == K::kEq) return equal(source, l.field, v);
    if (l.kind == K::kNe) {
        AZB_ASSIGN_OR_RETURN(Ids all, source.scan(l.field, "", ""));
        AZB_ASSIGN_OR_RETURN(Ids eq, equal(source, l.field, v));
        return subtract(all, eq);
    }
    if (l.kind == K::kPrefix) {
        std::string p = encode_string_prefix(v.string);
        return source.scan(l.field, p, prefix_successor(p));
    }
    AZB_ASSIGN_OR_RETURN(std::string enc, encode_value(v));
    const std::string type_start(1, enc[0]);
    const std::string type_end(1, static_cast<char>(enc[0] + 1));
    switch (l.kind) {
        case K::kLt: return source.scan(l.field, type_start, enc);
        case K::kLe: return source.scan(l.field, type_start, prefix_successor(enc));
        case K::kGt: return source.scan(l.field, prefix_successor(enc), type_end);
        case K::kGe: return source.scan(l.field, enc, type_end);
        default: return Status(Code::kInternal, "query: unknown comparison");
    }
}

Result<Ids> node(const Node& n, FieldSource& source) {
    switch (n.op) {
        case Node::Op::kLeaf: return leaf(n.leaf, source);
        case Node::Op::kNot: {
            AZB_ASSIGN_OR_RETURN(Ids all, source.all_ids());
            AZB_ASSIGN_OR_RETURN(Ids inner, node(n.children.front(), source));
            return subtract(all, inner);
        }
        case Node::Op::kAnd:
        case Node::Op::kOr: {
            AZB_ASSIGN_OR_RETURN(Ids acc, node(n.children.front(), source));
            for (size_t i = 1; i < n.children.size(); ++i) {
                if (n.op == Node::Op::kAnd && acc.empty()) break;  // nothing can match any more
                AZB_ASSIGN_OR_RETURN(Ids more, node(n.children[i], source));
                acc = n.op == Node::Op::kAnd ? intersect(acc, more) : unite(acc, more);
            }
            return acc;
        }
    }
    return Status(Code::kInternal, "query: unknown node");
}

}  // namespace

Result<std::vector<uint64_t>> evaluate(const Query& query, FieldSource& source) {
    return node(query.root, source);
}

}  // namespace azblobfs::index
