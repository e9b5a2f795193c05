// evaluate() of cache/query.h: each leaf is a union of ranges of one field's rows; an `and`
// evaluates its cheapest child first and the others only within what that left possible.
#include <algorithm>
#include <iterator>
#include <limits>

#include "cache/query.h"

namespace azblobfs::index {
namespace {

using Ids = std::vector<uint64_t>;

// Distinct values an estimate may count before it calls a leaf large.
constexpr size_t kEstimateKeys = 64;
constexpr uint64_t kLarge = std::numeric_limits<uint64_t>::max();

Ids unite(const Ids& a, const Ids& b) {
    Ids out;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Ids subtract(const Ids& a, const Ids& b) {
    Ids out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

struct Range {
    std::string lo, hi;  // encoded values, lo <= v < hi ("" hi: to the field's end)
};

Result<Range> equal_range(const Value& v) {
    AZB_ASSIGN_OR_RETURN(std::string enc, encode_value(v));
    std::string hi = prefix_successor(enc);
    return Range{std::move(enc), std::move(hi)};
}

// The ranges whose union is the leaf. kNe is not a union of ranges; the caller handles it.
Result<std::vector<Range>> ranges_of(const Leaf& l) {
    using K = Leaf::Kind;
    std::vector<Range> out;
    if (l.kind == K::kExists) {
        out.push_back(Range{});
        return out;
    }
    if (l.kind == K::kIn) {
        for (const Value& v : l.values) {
            AZB_ASSIGN_OR_RETURN(Range r, equal_range(v));
            out.push_back(std::move(r));
        }
        return out;
    }
    const Value& v = l.values.front();
    if (l.kind == K::kPrefix) {
        std::string p = encode_string_prefix(v.string);
        std::string hi = prefix_successor(p);
        out.push_back(Range{std::move(p), std::move(hi)});
        return out;
    }
    AZB_ASSIGN_OR_RETURN(std::string enc, encode_value(v));
    const std::string type_start(1, enc[0]);
    const std::string type_end(1, static_cast<char>(enc[0] + 1));
    switch (l.kind) {
        case K::kEq: out.push_back(Range{enc, prefix_successor(enc)}); break;
        case K::kLt: out.push_back(Range{type_start, enc}); break;
        case K::kLe: out.push_back(Range{type_start, prefix_successor(enc)}); break;
        case K::kGt: out.push_back(Range{prefix_successor(enc), type_end}); break;
        case K::kGe: out.push_back(Range{enc, type_end}); break;
        default: return Status(Code::kInternal, "query: unknown comparison");
    }
    return out;
}

Result<Ids> leaf(const Leaf& l, FieldSource& source, const Ids* within) {
    if (l.kind == Leaf::Kind::kNe) {
        AZB_ASSIGN_OR_RETURN(Ids all, source.scan(l.field, "", "", within));
        AZB_ASSIGN_OR_RETURN(Range eq, equal_range(l.values.front()));
        AZB_ASSIGN_OR_RETURN(Ids same, source.scan(l.field, eq.lo, eq.hi, &all));
        return subtract(all, same);
    }
    AZB_ASSIGN_OR_RETURN(auto ranges, ranges_of(l));
    Ids out;
    for (const Range& r : ranges) {
        AZB_ASSIGN_OR_RETURN(Ids some, source.scan(l.field, r.lo, r.hi, within));
        out = out.empty() ? std::move(some) : unite(out, some);
    }
    return out;
}

// The number of ids a child may yield, kLarge when unknown or too costly to count.
Result<uint64_t> estimate(const Node& n, FieldSource& source) {
    if (n.op != Node::Op::kLeaf || n.leaf.kind == Leaf::Kind::kNe) return kLarge;
    AZB_ASSIGN_OR_RETURN(auto ranges, ranges_of(n.leaf));
    uint64_t total = 0;
    for (const Range& r : ranges) {
        AZB_ASSIGN_OR_RETURN(auto some, source.estimate(n.leaf.field, r.lo, r.hi, kEstimateKeys));
        if (!some) return kLarge;
        total += *some;
    }
    return total;
}

Result<Ids> node(const Node& n, FieldSource& source, const Ids* within);

Result<Ids> conjunction(const Node& n, FieldSource& source, const Ids* within) {
    std::vector<std::pair<uint64_t, const Node*>> plan;
    for (const Node& child : n.children) {
        AZB_ASSIGN_OR_RETURN(uint64_t cost, estimate(child, source));
        plan.emplace_back(cost, &child);
    }
    std::stable_sort(plan.begin(), plan.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    AZB_ASSIGN_OR_RETURN(Ids acc, node(*plan.front().second, source, within));
    for (size_t i = 1; i < plan.size() && !acc.empty(); ++i) {
        AZB_ASSIGN_OR_RETURN(acc, node(*plan[i].second, source, &acc));
    }
    return acc;
}

// The ids of `n`, restricted to `within` when it is given.
Result<Ids> node(const Node& n, FieldSource& source, const Ids* within) {
    switch (n.op) {
        case Node::Op::kLeaf: return leaf(n.leaf, source, within);
        case Node::Op::kNot: {
            Ids all;
            if (!within) {
                AZB_ASSIGN_OR_RETURN(all, source.all_ids());
                within = &all;
            }
            AZB_ASSIGN_OR_RETURN(Ids inner, node(n.children.front(), source, within));
            return subtract(*within, inner);
        }
        case Node::Op::kAnd: return conjunction(n, source, within);
        case Node::Op::kOr: {
            Ids acc;
            for (const Node& child : n.children) {
                AZB_ASSIGN_OR_RETURN(Ids more, node(child, source, within));
                acc = acc.empty() ? std::move(more) : unite(acc, more);
            }
            return acc;
        }
    }
    return Status(Code::kInternal, "query: unknown node");
}

}  // namespace

Result<std::vector<uint64_t>> evaluate(const Query& query, FieldSource& source) {
    return node(query.root, source, nullptr);
}

}  // namespace azblobfs::index
