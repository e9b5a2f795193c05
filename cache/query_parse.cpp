// parse_query, to_string and field_key of cache/query.h.
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "cache/query.h"

namespace azblobfs::index {
namespace {

enum class Tok { kLParen, kRParen, kComma, kOp, kAnd, kOr, kNot, kWord, kQuoted, kEnd };

struct Token {
    Tok kind = Tok::kEnd;
    std::string text;  // the word, the unescaped string, or the operator
    size_t column = 0;
};

struct Failure {
    QueryError error;
};

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == ':' || c == '/' || c == '@' || c == '*' || c == '+' || static_cast<unsigned char>(c) >= 0x80;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

class Lexer {
public:
    explicit Lexer(std::string_view text) : text_(text) {}

    // Every token, ending with kEnd; throws nothing: a failure is returned.
    std::variant<std::vector<Token>, QueryError> run() {
        std::vector<Token> out;
        while (true) {
            while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
            if (pos_ >= text_.size()) break;
            auto t = next();
            if (auto* e = std::get_if<QueryError>(&t)) return *e;
            out.push_back(std::get<Token>(t));
        }
        out.push_back(Token{Tok::kEnd, "", text_.size() + 1});
        return out;
    }

private:
    std::variant<Token, QueryError> next() {
        const size_t col = pos_ + 1;
        const char c = text_[pos_];
        auto two = [&](std::string_view s) { return text_.substr(pos_, 2) == s; };
        if (c == '(' || c == ')' || c == ',') {
            ++pos_;
            return Token{c == '(' ? Tok::kLParen : c == ')' ? Tok::kRParen : Tok::kComma, std::string(1, c), col};
        }
        for (std::string_view op : {"==", "!=", "<=", ">=", "^="}) {
            if (two(op)) {
                pos_ += 2;
                return Token{Tok::kOp, op == "==" ? "=" : std::string(op), col};
            }
        }
        if (c == '=' || c == '<' || c == '>') {
            ++pos_;
            return Token{Tok::kOp, std::string(1, c), col};
        }
        if (c == '&' || c == '|') {
            pos_ += two(c == '&' ? "&&" : "||") ? 2 : 1;
            return Token{c == '&' ? Tok::kAnd : Tok::kOr, "", col};
        }
        if (c == '!') {
            ++pos_;
            return Token{Tok::kNot, "", col};
        }
        if (c == '\'' || c == '"') return quoted(c, col);
        if (word_char(c)) {
            size_t start = pos_;
            while (pos_ < text_.size() && word_char(text_[pos_])) ++pos_;
            std::string word(text_.substr(start, pos_ - start));
            std::string key = lower(word);
            if (key == "and") return Token{Tok::kAnd, word, col};
            if (key == "or") return Token{Tok::kOr, word, col};
            if (key == "not") return Token{Tok::kNot, word, col};
            return Token{Tok::kWord, word, col};
        }
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return QueryError{col, "control character in the query"};
        return QueryError{col, std::string("unexpected character '") + c + "'"};
    }

    std::variant<Token, QueryError> quoted(char quote, size_t col) {
        std::string s;
        for (++pos_; pos_ < text_.size(); ++pos_) {
            char c = text_[pos_];
            if (c == '\\' && pos_ + 1 < text_.size()) {
                s.push_back(text_[++pos_]);
            } else if (c == quote) {
                ++pos_;
                return Token{Tok::kQuoted, s, col};
            } else {
                s.push_back(c);
            }
        }
        return QueryError{col, "unterminated quoted string"};
    }

    std::string_view text_;
    size_t pos_ = 0;
};

bool valid_field(const std::string& f) { return valid_field_name(f); }

std::optional<double> number_of(const std::string& w) { return parse_number(w); }

}  // namespace

bool valid_field_name(std::string_view f) {
    if (f.empty() || !(std::isalpha(static_cast<unsigned char>(f[0])) || f[0] == '_')) return false;
    for (char c : f) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
    }
    return f.back() != '.';
}

std::optional<double> parse_number(std::string_view w) {
    size_t i = 0;
    auto digits = [&] {
        size_t s = i;
        while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
        return i > s;
    };
    if (i < w.size() && w[i] == '-') ++i;
    if (!digits()) return std::nullopt;
    if (i < w.size() && w[i] == '.') {
        ++i;
        if (!digits()) return std::nullopt;
    }
    if (i < w.size() && (w[i] == 'e' || w[i] == 'E')) {
        ++i;
        if (i < w.size() && (w[i] == '+' || w[i] == '-')) ++i;
        if (!digits()) return std::nullopt;
    }
    if (i != w.size()) return std::nullopt;
    double d = std::strtod(std::string(w).c_str(), nullptr);
    if (!std::isfinite(d)) return std::nullopt;
    return d;
}

namespace {

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

    std::variant<Query, QueryError> run() {
        auto root = parse_or(0);
        if (auto* f = std::get_if<QueryError>(&root)) return *f;
        if (peek().kind != Tok::kEnd) return fail(peek(), "unexpected '" + show(peek()) + "'");
        return Query{std::get<Node>(std::move(root))};
    }

private:
    using Parsed = std::variant<Node, QueryError>;

    const Token& peek() const { return t_[i_]; }
    const Token& take() { return t_[i_ < t_.size() - 1 ? i_++ : i_]; }
    static QueryError fail(const Token& t, std::string message) { return QueryError{t.column, std::move(message)}; }
    static std::string show(const Token& t) {
        if (t.kind == Tok::kEnd) return "end of the query";
        if (t.kind == Tok::kAnd) return "and";
        if (t.kind == Tok::kOr) return "or";
        if (t.kind == Tok::kNot) return "not";
        return t.text;
    }

    Parsed binary(int depth, Tok op, Node::Op kind, Parsed (Parser::*next)(int)) {
        Parsed first = (this->*next)(depth);
        if (std::holds_alternative<QueryError>(first) || peek().kind != op) return first;
        Node node;
        node.op = kind;
        node.children.push_back(std::get<Node>(std::move(first)));
        while (peek().kind == op) {
            take();
            Parsed more = (this->*next)(depth);
            if (auto* e = std::get_if<QueryError>(&more)) return *e;
            node.children.push_back(std::get<Node>(std::move(more)));
        }
        return node;
    }
    Parsed parse_or(int depth) { return binary(depth, Tok::kOr, Node::Op::kOr, &Parser::parse_and); }
    Parsed parse_and(int depth) { return binary(depth, Tok::kAnd, Node::Op::kAnd, &Parser::parse_unary); }

    Parsed parse_unary(int depth) {
        if (depth > kMaxQueryDepth) return fail(peek(), "the query nests deeper than 64 levels");
        if (peek().kind == Tok::kNot) {
            take();
            Parsed inner = parse_unary(depth + 1);
            if (auto* e = std::get_if<QueryError>(&inner)) return *e;
            Node node;
            node.op = Node::Op::kNot;
            node.children.push_back(std::get<Node>(std::move(inner)));
            return node;
        }
        if (peek().kind == Tok::kLParen) {
            take();
            Parsed inner = parse_or(depth + 1);
            if (auto* e = std::get_if<QueryError>(&inner)) return *e;
            if (peek().kind != Tok::kRParen) return fail(peek(), "expected ')' before " + show(peek()));
            take();
            return inner;
        }
        return parse_leaf();
    }

    // `ordered`: the value of < <= > >=, where a word that starts like a number must be one.
    std::variant<Value, QueryError> value(const Token& t, bool ordered = false) {
        if (t.kind == Tok::kQuoted) return Value::of_string(t.text);
        if (t.kind != Tok::kWord) return fail(t, "expected a value, found " + show(t));
        std::string key = lower(t.text);
        if (key == "true" || key == "false") return Value::of_bool(key == "true");
        if (auto n = number_of(t.text)) return Value::of_number(*n);
        if (ordered && (std::isdigit(static_cast<unsigned char>(t.text[0])) ||
                        (t.text.size() > 1 && t.text[0] == '-' && std::isdigit(static_cast<unsigned char>(t.text[1]))))) {
            return fail(t, "malformed number '" + t.text + "' (quote it to compare as text)");
        }
        return Value::of_string(t.text);
    }

    Parsed leaf_of(std::string field, Leaf::Kind kind, std::vector<Value> values) {
        Node node;
        node.leaf = Leaf{field_key(field), kind, std::move(values)};
        return node;
    }

    Parsed parse_leaf() {
        const Token& head = take();
        if (head.kind == Tok::kWord && lower(head.text) == "exists") {
            const Token& f = take();
            if (f.kind != Tok::kWord || !valid_field(f.text)) return fail(f, "expected a field name after 'exists'");
            return leaf_of(f.text, Leaf::Kind::kExists, {});
        }
        if (head.kind != Tok::kWord || !valid_field(head.text)) {
            return fail(head, "expected a field name, found " + show(head));
        }
        const Token& op = take();
        if (op.kind == Tok::kWord && lower(op.text) == "exists") return leaf_of(head.text, Leaf::Kind::kExists, {});
        if (op.kind == Tok::kWord && lower(op.text) == "in") return parse_in(head.text);
        if (op.kind != Tok::kOp) return fail(op, "expected an operator after '" + head.text + "', found " + show(op));
        const Token& vt = take();
        if (vt.kind == Tok::kEnd) return fail(vt, "expected a value after '" + op.text + "'");
        const bool ordered = op.text == "<" || op.text == "<=" || op.text == ">" || op.text == ">=";
        auto v = value(vt, ordered);
        if (auto* e = std::get_if<QueryError>(&v)) return *e;
        Value val = std::get<Value>(std::move(v));
        if (op.text == "=" && vt.kind == Tok::kWord && val.type == Value::Type::kString &&
            val.string.size() > 1 && val.string.back() == '*') {
            val.string.pop_back();
            return leaf_of(head.text, Leaf::Kind::kPrefix, {val});
        }
        static const std::pair<const char*, Leaf::Kind> kOps[] = {
            {"=", Leaf::Kind::kEq}, {"!=", Leaf::Kind::kNe}, {"<", Leaf::Kind::kLt}, {"<=", Leaf::Kind::kLe},
            {">", Leaf::Kind::kGt}, {">=", Leaf::Kind::kGe}, {"^=", Leaf::Kind::kPrefix}};
        Leaf::Kind kind = Leaf::Kind::kEq;
        for (const auto& [name, k] : kOps) {
            if (op.text == name) kind = k;
        }
        bool range = kind == Leaf::Kind::kLt || kind == Leaf::Kind::kLe || kind == Leaf::Kind::kGt || kind == Leaf::Kind::kGe;
        if (range && val.type == Value::Type::kBool) return fail(vt, "'" + op.text + "' does not compare booleans");
        if (kind == Leaf::Kind::kPrefix && val.type != Value::Type::kString) {
            return fail(vt, "'^=' needs a string prefix");
        }
        return leaf_of(head.text, kind, {val});
    }

    Parsed parse_in(const std::string& field) {
        const Token& open = take();
        if (open.kind != Tok::kLParen) return fail(open, "expected '(' after 'in'");
        std::vector<Value> values;
        while (true) {
            auto v = value(take());
            if (auto* e = std::get_if<QueryError>(&v)) return *e;
            values.push_back(std::get<Value>(std::move(v)));
            const Token& sep = take();
            if (sep.kind == Tok::kRParen) break;
            if (sep.kind != Tok::kComma) return fail(sep, "expected ',' or ')' in the list, found " + show(sep));
        }
        return leaf_of(field, Leaf::Kind::kIn, std::move(values));
    }

    std::vector<Token> t_;
    size_t i_ = 0;
};

std::string quote(const Value& v) {
    if (v.type != Value::Type::kString) return to_display(v);
    std::string out = "'";
    for (char c : v.string) {
        if (c == '\'' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "'";
}

std::string node_text(const Node& n) {
    static const char* kKinds[] = {"=", "!=", "<", "<=", ">", ">=", "^=", "in", "exists"};
    if (n.op == Node::Op::kLeaf) {
        const Leaf& l = n.leaf;
        if (l.kind == Leaf::Kind::kExists) return l.field + " exists";
        std::string out = l.field + " " + kKinds[static_cast<int>(l.kind)] + " ";
        if (l.kind != Leaf::Kind::kIn) return out + quote(l.values.front());
        out += "(";
        for (size_t i = 0; i < l.values.size(); ++i) out += (i ? ", " : "") + quote(l.values[i]);
        return out + ")";
    }
    if (n.op == Node::Op::kNot) return "(not " + node_text(n.children.front()) + ")";
    std::string out = "(";
    for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) out += n.op == Node::Op::kAnd ? " and " : " or ";
        out += node_text(n.children[i]);
    }
    return out + ")";
}

}  // namespace

std::variant<Query, QueryError> parse_query(std::string_view text) {
    if (text.size() > kMaxQueryBytes) return QueryError{kMaxQueryBytes + 1, "the query is over 4096 bytes"};
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\t') || c == 0x7f) return QueryError{i + 1, "control character in the query"};
    }
    auto tokens = Lexer(text).run();
    if (auto* e = std::get_if<QueryError>(&tokens)) return *e;
    auto& list = std::get<std::vector<Token>>(tokens);
    if (list.size() == 1) return QueryError{1, "the query is empty"};
    return Parser(std::move(list)).run();
}

std::string to_string(const Query& query) { return node_text(query.root); }

std::string field_key(std::string_view user_field) {
    auto starts = [&](std::string_view p) { return user_field.substr(0, p.size()) == p && user_field.size() > p.size(); };
    if (starts("sidecar.")) return "s:" + std::string(user_field.substr(8));
    if (starts("meta.")) return "m:" + lower(user_field.substr(5));
    if (starts("sys.")) return "y:" + std::string(user_field.substr(4));
    if (starts("view.")) return "v:" + std::string(user_field.substr(5));
    return "s:" + std::string(user_field);
}

}  // namespace azblobfs::index
