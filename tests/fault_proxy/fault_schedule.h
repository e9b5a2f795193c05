// Which fault, if any, the proxy injects into each request. A schedule is either seeded-random
// (a fault rate plus the allowed kinds) or an explicit script for deterministic tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

namespace azblobfs::fault_proxy {

enum class FaultKind {
    kNone = 0,             // forward and relay the response unchanged
    kServerBusy503,        // answer 503 ServerBusy with Retry-After, without forwarding
    kInternalError500,     // answer 500 InternalError with Retry-After, without forwarding
    kTooManyRequests429,   // answer 429 with Retry-After, without forwarding
    kConditionNotMet412,   // answer 412 ConditionNotMet (Azure XML body), without forwarding
    kResetBeforeForward,   // reset the client connection; the server never sees the request
    kResetAfterForward,    // forward, then reset: the server did the work, the response is lost
    kTruncatedBody,        // forward, then send the head and half the body, then close; a response
                           // without a body is cut after its status line instead
    kStall,                // forward, then hold the response past the client's stall timeout
};
inline constexpr size_t kFaultKindCount = 9;

// Stable names used on the command line and in messages: "none", "503", "500", "429", "412",
// "reset-before", "reset-after", "truncate", "stall".
const char* fault_kind_name(FaultKind kind);
std::optional<FaultKind> parse_fault_kind(std::string_view name);
// Every kind except kNone.
std::vector<FaultKind> all_fault_kinds();

// Not thread-safe: the proxy serialises calls to next().
class FaultSchedule {
public:
    // Never injects a fault.
    static FaultSchedule none();
    // Each request is faulted with probability `rate`. Faulted requests draw their kind from a
    // shuffled bag of `kinds`, refilled when empty, so every kind occurs once per round of
    // kinds.size() faults. Same seed, same sequence.
    static FaultSchedule random(double rate, std::vector<FaultKind> kinds, uint64_t seed);
    // The n-th request gets script[n]; requests after the script get kNone.
    static FaultSchedule scripted(std::vector<FaultKind> script);
    // Every request gets `kind`.
    static FaultSchedule always(FaultKind kind);

    FaultKind next();

private:
    enum class Mode { kRandom, kScripted, kAlways };
    FaultSchedule(Mode mode, double rate, std::vector<FaultKind> kinds, uint64_t seed);

    Mode mode_;
    double rate_ = 0.0;
    std::vector<FaultKind> kinds_;   // allowed kinds (random), the script, or the one kind (always)
    std::vector<FaultKind> bag_;     // kinds not yet drawn in this round (random)
    size_t position_ = 0;            // next script entry (scripted)
    std::mt19937_64 rng_;
};

}  // namespace azblobfs::fault_proxy
