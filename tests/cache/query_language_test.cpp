// The query language (cache/query.h): every operator, precedence, quoting, the directory-name
// form, errors with their columns, and evaluation over an in-memory FieldSource.
#include "cache/query.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

namespace azblobfs::index {
namespace {

std::string canon(const std::string& text) {
    auto parsed = parse_query(text);
    if (auto* e = std::get_if<QueryError>(&parsed)) return "error at " + std::to_string(e->column) + ": " + e->message;
    return to_string(std::get<Query>(parsed));
}

size_t error_column(const std::string& text) {
    auto parsed = parse_query(text);
    auto* e = std::get_if<QueryError>(&parsed);
    return e ? e->column : 0;
}

TEST(QueryLanguageTest, EveryOperatorParses) {
    EXPECT_EQ(canon("income = 1"), "s:income = 1");
    EXPECT_EQ(canon("income == 1"), "s:income = 1");
    EXPECT_EQ(canon("income != 1"), "s:income != 1");
    EXPECT_EQ(canon("income < -2.5"), "s:income < -2.5");
    EXPECT_EQ(canon("income <= 1e3"), "s:income <= 1000");
    EXPECT_EQ(canon("income > 0"), "s:income > 0");
    EXPECT_EQ(canon("income >= 100000"), "s:income >= 100000");
    EXPECT_EQ(canon("name ^= 'Ad'"), "s:name ^= 'Ad'");
    EXPECT_EQ(canon("twin = digital-twins/2025/*"), "s:twin ^= 'digital-twins/2025/'");
    EXPECT_EQ(canon("twin = 'digital-twins/*'"), "s:twin = 'digital-twins/*'") << "a quoted * is literal";
    EXPECT_EQ(canon("classification in (hot, warm)"), "s:classification in ('hot', 'warm')");
    EXPECT_EQ(canon("income exists"), "s:income exists");
    EXPECT_EQ(canon("exists income"), "s:income exists");
    EXPECT_EQ(canon("vip = true and spam = FALSE"), "(s:vip = true and s:spam = false)");
}

TEST(QueryLanguageTest, FieldNamesMapToNamespaces) {
    EXPECT_EQ(canon("meta.Classification = hot"), "m:classification = 'hot'");
    EXPECT_EQ(canon("sys.size > 10"), "y:size > 10");
    EXPECT_EQ(canon("sidecar.meta.x = 1"), "s:meta.x = 1");
    EXPECT_EQ(canon("address.city = Oslo"), "s:address.city = 'Oslo'");
    EXPECT_EQ(field_key("view.lead"), "v:lead");
}

TEST(QueryLanguageTest, NotBindsTighterThanAndWhichBindsTighterThanOr) {
    EXPECT_EQ(canon("a=1 or b=2 and c=3"), "(s:a = 1 or (s:b = 2 and s:c = 3))");
    EXPECT_EQ(canon("not a=1 and b=2"), "((not s:a = 1) and s:b = 2)");
    EXPECT_EQ(canon("(a=1 or b=2) and c=3"), "((s:a = 1 or s:b = 2) and s:c = 3)");
    EXPECT_EQ(canon("!a exists || b=2 && c=3"), "((not s:a exists) or (s:b = 2 and s:c = 3))");
    EXPECT_EQ(canon("NOT a = 1 OR b = 2"), "((not s:a = 1) or s:b = 2)");
}

TEST(QueryLanguageTest, QuotedStringsBarewordsAndTheDirectoryNameForm) {
    EXPECT_EQ(canon("name = 'Ada Lovelace'"), "s:name = 'Ada Lovelace'");
    EXPECT_EQ(canon("name = \"it's\""), "s:name = 'it\\'s'");
    EXPECT_EQ(canon("name = 'a\\'b'"), "s:name = 'a\\'b'");
    EXPECT_EQ(canon("income = '100'"), "s:income = '100'") << "quoted digits are a string";
    EXPECT_EQ(canon("lead_id = 032b846d-0bbd-4f4b"), "s:lead_id = '032b846d-0bbd-4f4b'");
    EXPECT_EQ(canon("classification=hot&income>=100000"), "(s:classification = 'hot' and s:income >= 100000)");
    EXPECT_EQ(canon("a=1|b=2"), "(s:a = 1 or s:b = 2)");
}

TEST(QueryLanguageTest, ErrorsPointAtTheirColumn) {
    EXPECT_EQ(error_column(""), 1u);
    EXPECT_EQ(error_column("income >= "), 11u);                    // one past the end
    EXPECT_EQ(error_column("a = 'x"), 5u);                         // the opening quote
    EXPECT_EQ(error_column("a = 1)"), 6u);                         // the stray ')'
    EXPECT_EQ(error_column("(a = 1"), 7u);                         // the end
    EXPECT_EQ(error_column("a ~ 1"), 3u);                          // '~'
    EXPECT_EQ(error_column("a = 1 b = 2"), 7u);                    // trailing garbage
    EXPECT_EQ(error_column("a = \x01"), 5u);                       // a control character
    EXPECT_EQ(error_column(std::string("a = \0", 5)), 5u);         // NUL
    EXPECT_EQ(error_column("1a = 2"), 1u);                         // not a field name
    EXPECT_EQ(error_column("a in (1, 2"), 11u);
    EXPECT_EQ(error_column("a in 1"), 6u);
    EXPECT_EQ(error_column("a > true"), 5u);                       // booleans do not order
    EXPECT_EQ(error_column("a ^= 5"), 6u);                         // prefix of a number
    EXPECT_EQ(error_column("income >= 100k"), 11u);                // a malformed number
    EXPECT_EQ(error_column("a = 1 and"), 10u);
    EXPECT_EQ(error_column(std::string(5000, 'a')), kMaxQueryBytes + 1);
    std::string deep = std::string(100, '(') + "a=1" + std::string(100, ')');
    EXPECT_EQ(error_column(deep), 66u);  // the 66th (: 65 levels deep
    EXPECT_EQ(error_column("income >= 1e999"), 11u) << "not a finite number";
}

// Rows: field -> (encoded value, id), scanned like the LMDB index (value + id order).
class FakeSource final : public FieldSource {
public:
    void add(const std::string& field, const Value& v, uint64_t id) {
        rows_[field].emplace(*encode_value(v), id);
        all_.insert(id);
    }
    Result<std::vector<uint64_t>> scan(const std::string& field, const std::string& lo,
                                       const std::string& hi, const std::vector<uint64_t>* within) override {
        ++scans_;
        scanned_.emplace_back(field, within != nullptr);
        std::set<uint64_t> ids;
        for (const auto& [enc, id] : rows_[field]) {
            if (enc >= lo && (hi.empty() || enc < hi)) {
                if (!within || std::binary_search(within->begin(), within->end(), id)) ids.insert(id);
            }
        }
        return std::vector<uint64_t>(ids.begin(), ids.end());
    }
    Result<std::optional<uint64_t>> estimate(const std::string& field, const std::string& lo,
                                             const std::string& hi, size_t max_keys) override {
        std::set<std::string> values;
        uint64_t n = 0;
        for (const auto& [enc, id] : rows_[field]) {
            if (enc >= lo && (hi.empty() || enc < hi)) {
                values.insert(enc);
                ++n;
            }
        }
        if (values.size() > max_keys || !estimates_) return std::optional<uint64_t>();
        return std::optional<uint64_t>(n);
    }
    Result<std::vector<uint64_t>> all_ids() override { return std::vector<uint64_t>(all_.begin(), all_.end()); }
    int scans_ = 0;
    std::vector<std::pair<std::string, bool>> scanned_;  // (field, restricted to a set of ids)
    bool estimates_ = true;  // false: every leaf is "large", so `and` keeps the written order

private:
    std::map<std::string, std::multimap<std::string, uint64_t>> rows_;
    std::set<uint64_t> all_;
};

std::vector<uint64_t> run(FakeSource& s, const std::string& text) {
    auto parsed = parse_query(text);
    EXPECT_TRUE(std::holds_alternative<Query>(parsed)) << text;
    if (!std::holds_alternative<Query>(parsed)) return {};
    auto ids = evaluate(std::get<Query>(parsed), s);
    EXPECT_TRUE(ids.is_ok());
    return ids.is_ok() ? *ids : std::vector<uint64_t>{};
}

TEST(QueryLanguageTest, EvaluationIsTypedAndHandlesArraysNotAndOr) {
    FakeSource s;
    s.add("s:income", Value::of_number(150000), 1);
    s.add("s:income", Value::of_number(-5), 2);
    s.add("s:income", Value::of_string("100001"), 3);  // a string: never a number match
    s.add("s:classification", Value::of_string("hot"), 1);
    s.add("s:classification", Value::of_string("cold"), 2);
    s.add("s:tags", Value::of_string("a"), 1);
    s.add("s:tags", Value::of_string("b"), 1);
    s.add("s:tags", Value::of_string("b"), 2);
    s.add("s:name", Value::of_string("Ada"), 3);
    using V = std::vector<uint64_t>;
    EXPECT_EQ(run(s, "income >= 100000"), V{1});
    EXPECT_EQ(run(s, "income < 0"), V{2});
    EXPECT_EQ(run(s, "income <= -5"), V{2});
    EXPECT_EQ(run(s, "income > -5"), V{1});
    EXPECT_EQ(run(s, "income = '100001'"), V{3});
    EXPECT_EQ(run(s, "income exists"), (V{1, 2, 3}));
    EXPECT_EQ(run(s, "classification = hot and income >= 100000"), V{1});
    EXPECT_EQ(run(s, "classification = cold or name ^= A"), (V{2, 3}));
    EXPECT_EQ(run(s, "tags = b"), (V{1, 2}));
    EXPECT_EQ(run(s, "tags != a"), V{2}) << "an array matches != only when no element equals";
    EXPECT_EQ(run(s, "not tags exists"), V{3});
    EXPECT_EQ(run(s, "classification in (hot, cold, none)"), (V{1, 2}));
    EXPECT_EQ(run(s, "name = A*"), V{3});
    EXPECT_EQ(run(s, "missing = 1"), V{});
    s.scans_ = 0;
    run(s, "classification = hot");
    EXPECT_EQ(s.scans_, 1) << "one leaf, one range walk";
}

TEST(QueryLanguageTest, AndEvaluatesTheSelectiveTermFirstAndTheOtherOnlyWithinIt) {
    FakeSource s;
    for (uint64_t id = 1; id <= 300; ++id) {
        s.add("s:classification", Value::of_string(id % 3 == 0 ? "hot" : "cold"), id);
        s.add("s:income", Value::of_number(static_cast<double>(id * 1000)), id);
    }
    using V = std::vector<uint64_t>;
    EXPECT_EQ(run(s, "classification = hot and income >= 297000"), (V{297, 300}));
    using Scan = std::pair<std::string, bool>;
    EXPECT_EQ(s.scanned_, (std::vector<Scan>{{"s:income", false}, {"s:classification", true}}))
        << "the range of 4 ids is read first; the 100 hot ids only where they can still match";
    s.scanned_.clear();
    EXPECT_EQ(run(s, "income >= 297000 and not classification = cold"), (V{297, 300}));
    EXPECT_EQ(s.scanned_, (std::vector<Scan>{{"s:income", false}, {"s:classification", true}}))
        << "not inside an and needs no list of every id";
}

// Planning and restricted scans change what is read, never the answer: random queries over
// random rows give the same ids as evaluation in the written order with no estimates.
TEST(QueryLanguageTest, PlannedEvaluationAgreesWithWrittenOrder) {
    FakeSource planned, naive;
    naive.estimates_ = false;
    std::mt19937 rng(12);
    const char* fields[] = {"a", "b", "c"};
    for (uint64_t id = 1; id <= 200; ++id) {
        for (const char* f : fields) {
            for (unsigned k = rng() % 3; k > 0; --k) {  // 0..2 values: missing fields and arrays
                Value v = rng() % 4 == 0 ? Value::of_string(std::string(1, static_cast<char>('p' + rng() % 4)))
                                         : Value::of_number(static_cast<double>(rng() % 20));
                planned.add(std::string("s:") + f, v, id);
                naive.add(std::string("s:") + f, v, id);
            }
        }
    }
    const char* ops[] = {"=", "!=", "<", ">=", "exists", "in"};
    auto term = [&] {
        std::string f = fields[rng() % 3];
        std::string op = ops[rng() % 6];
        if (op == "exists") return f + " exists";
        if (op == "in") return f + " in (" + std::to_string(rng() % 20) + ", q, " + std::to_string(rng() % 20) + ")";
        return f + " " + op + " " + (rng() % 4 == 0 ? std::string("r") : std::to_string(rng() % 20));
    };
    const char* joins[] = {" and ", " or ", " and not "};
    for (int i = 0; i < 500; ++i) {
        std::string q = term();
        for (unsigned n = rng() % 4; n > 0; --n) {
            std::string next = rng() % 3 == 0 ? "(" + term() + " or " + term() + ")" : term();
            q += joins[rng() % 3] + next;
        }
        EXPECT_EQ(run(planned, q), run(naive, q)) << q;
    }
}

}  // namespace
}  // namespace azblobfs::index
