#include "fs/rfc3339.h"

#include <time.h>

#include <cstdio>
#include <ctime>

#include <chrono>

namespace azblobfs {

namespace {

// Reads exactly `n` decimal digits at text[*pos]; advances *pos.
std::optional<int> digits(std::string_view text, size_t* pos, size_t n) {
    if (*pos + n > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < n; ++i) {
        char c = text[*pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    *pos += n;
    return value;
}

bool expect(std::string_view text, size_t* pos, char c) {
    if (*pos >= text.size() || text[*pos] != c) return false;
    ++*pos;
    return true;
}

// Parses ".fffffffff" when present; returns the nanoseconds (0 when absent).
std::optional<int64_t> fraction_ns(std::string_view text, size_t* pos) {
    if (*pos >= text.size() || text[*pos] != '.') return 0;
    ++*pos;
    int64_t ns = 0;
    size_t count = 0;
    while (*pos < text.size() && text[*pos] >= '0' && text[*pos] <= '9') {
        if (++count > 9) return std::nullopt;
        ns = ns * 10 + (text[*pos] - '0');
        ++*pos;
    }
    if (count == 0) return std::nullopt;
    for (size_t i = count; i < 9; ++i) ns *= 10;
    return ns;
}

// Parses "Z" or "+hh:mm" / "-hh:mm"; returns the offset east of UTC in seconds.
std::optional<int64_t> zone_offset_s(std::string_view text, size_t* pos) {
    if (*pos >= text.size()) return std::nullopt;
    char c = text[*pos];
    if (c == 'Z' || c == 'z') {
        ++*pos;
        return 0;
    }
    if (c != '+' && c != '-') return std::nullopt;
    ++*pos;
    auto hh = digits(text, pos, 2);
    if (!hh || !expect(text, pos, ':')) return std::nullopt;
    auto mm = digits(text, pos, 2);
    if (!mm || *hh > 23 || *mm > 59) return std::nullopt;
    int64_t offset = *hh * 3600 + *mm * 60;
    return c == '+' ? offset : -offset;
}

}  // namespace

std::optional<int64_t> parse_rfc3339_ns(std::string_view text) {
    size_t pos = 0;
    auto year = digits(text, &pos, 4);
    if (!year || !expect(text, &pos, '-')) return std::nullopt;
    auto month = digits(text, &pos, 2);
    if (!month || !expect(text, &pos, '-')) return std::nullopt;
    auto day = digits(text, &pos, 2);
    if (!day || pos >= text.size()) return std::nullopt;
    char sep = text[pos++];
    if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
    auto hour = digits(text, &pos, 2);
    if (!hour || !expect(text, &pos, ':')) return std::nullopt;
    auto minute = digits(text, &pos, 2);
    if (!minute || !expect(text, &pos, ':')) return std::nullopt;
    auto second = digits(text, &pos, 2);
    if (!second) return std::nullopt;
    auto frac = fraction_ns(text, &pos);
    if (!frac) return std::nullopt;
    auto offset = zone_offset_s(text, &pos);
    if (!offset || pos != text.size()) return std::nullopt;

    std::chrono::year_month_day ymd{std::chrono::year(*year), std::chrono::month(*month),
                                    std::chrono::day(*day)};
    if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
    int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + *second - *offset;
    return seconds * 1000000000LL + *frac;
}

std::string format_rfc3339_ns(int64_t ns) {
    int64_t sec = ns / 1000000000LL;
    int64_t frac = ns % 1000000000LL;
    if (frac < 0) {
        frac += 1000000000LL;
        --sec;
    }
    time_t t = static_cast<time_t>(sec);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%09lldZ", static_cast<long long>(frac));
    return buf;
}

}  // namespace azblobfs
