#include "fault_proxy/fault_schedule.h"

#include <algorithm>
#include <array>
#include <string>

namespace azblobfs::fault_proxy {

namespace {

constexpr std::array<const char*, kFaultKindCount> kNames = {
    "none", "503", "500", "429", "412", "reset-before", "reset-after", "truncate", "stall"};

}  // namespace

const char* fault_kind_name(FaultKind kind) {
    size_t index = static_cast<size_t>(kind);
    return index < kNames.size() ? kNames[index] : "unknown";
}

std::optional<FaultKind> parse_fault_kind(std::string_view name) {
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (name == kNames[i]) return static_cast<FaultKind>(i);
    }
    return std::nullopt;
}

std::vector<FaultKind> all_fault_kinds() {
    std::vector<FaultKind> kinds;
    for (size_t i = 1; i < kFaultKindCount; ++i) kinds.push_back(static_cast<FaultKind>(i));
    return kinds;
}

FaultSchedule::FaultSchedule(Mode mode, double rate, std::vector<FaultKind> kinds, uint64_t seed)
    : mode_(mode), rate_(std::clamp(rate, 0.0, 1.0)), kinds_(std::move(kinds)), rng_(seed) {}

FaultSchedule FaultSchedule::none() { return FaultSchedule(Mode::kAlways, 0.0, {FaultKind::kNone}, 0); }

FaultSchedule FaultSchedule::random(double rate, std::vector<FaultKind> kinds, uint64_t seed) {
    std::erase(kinds, FaultKind::kNone);
    if (kinds.empty()) rate = 0.0;
    return FaultSchedule(Mode::kRandom, rate, std::move(kinds), seed);
}

FaultSchedule FaultSchedule::scripted(std::vector<FaultKind> script) {
    return FaultSchedule(Mode::kScripted, 0.0, std::move(script), 0);
}

FaultSchedule FaultSchedule::always(FaultKind kind) { return FaultSchedule(Mode::kAlways, 0.0, {kind}, 0); }

FaultKind FaultSchedule::next() {
    switch (mode_) {
        case Mode::kAlways:
            return kinds_.front();
        case Mode::kScripted:
            return position_ < kinds_.size() ? kinds_[position_++] : FaultKind::kNone;
        case Mode::kRandom:
            break;
    }
    // Always draw the coin, so the sequence of faulted requests depends only on the seed.
    bool faulted = std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < rate_;
    if (!faulted) return FaultKind::kNone;
    if (bag_.empty()) {
        bag_ = kinds_;
        std::shuffle(bag_.begin(), bag_.end(), rng_);
    }
    FaultKind kind = bag_.back();
    bag_.pop_back();
    return kind;
}

}  // namespace azblobfs::fault_proxy
