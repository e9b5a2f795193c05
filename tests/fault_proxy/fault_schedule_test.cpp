// FaultSchedule: determinism and coverage of the seeded schedule, order of the scripted one.
#include "fault_proxy/fault_schedule.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace azblobfs::fault_proxy {
namespace {

std::vector<FaultKind> draw(FaultSchedule schedule, int n) {
    std::vector<FaultKind> out;
    for (int i = 0; i < n; ++i) out.push_back(schedule.next());
    return out;
}

TEST(FaultSchedule, SameSeedSameSequenceOtherSeedOtherSequence) {
    auto a = draw(FaultSchedule::random(0.3, all_fault_kinds(), 7), 500);
    auto b = draw(FaultSchedule::random(0.3, all_fault_kinds(), 7), 500);
    auto c = draw(FaultSchedule::random(0.3, all_fault_kinds(), 8), 500);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

TEST(FaultSchedule, RateIsRespectedAndEveryKindOccursOncePerRound) {
    std::vector<FaultKind> kinds = {FaultKind::kServerBusy503, FaultKind::kStall, FaultKind::kResetAfterForward};
    auto drawn = draw(FaultSchedule::random(0.3, kinds, 11), 10000);
    std::map<FaultKind, int> counts;
    std::vector<FaultKind> faults;
    for (FaultKind kind : drawn) {
        ++counts[kind];
        if (kind != FaultKind::kNone) faults.push_back(kind);
    }
    EXPECT_NEAR(static_cast<double>(faults.size()) / 10000.0, 0.3, 0.03);
    EXPECT_EQ(counts.size(), 4u);  // the three kinds and kNone, nothing else
    for (size_t round = 0; round + 3 <= faults.size(); round += 3) {
        std::set<FaultKind> seen(faults.begin() + static_cast<long>(round), faults.begin() + static_cast<long>(round) + 3);
        ASSERT_EQ(seen.size(), 3u) << "round starting at fault " << round;
    }
}

TEST(FaultSchedule, ScriptThenNothing) {
    auto drawn = draw(FaultSchedule::scripted({FaultKind::kStall, FaultKind::kNone, FaultKind::kConditionNotMet412}), 5);
    EXPECT_EQ(drawn, (std::vector<FaultKind>{FaultKind::kStall, FaultKind::kNone, FaultKind::kConditionNotMet412,
                                             FaultKind::kNone, FaultKind::kNone}));
    EXPECT_EQ(draw(FaultSchedule::always(FaultKind::kServerBusy503), 3),
              (std::vector<FaultKind>(3, FaultKind::kServerBusy503)));
    EXPECT_EQ(draw(FaultSchedule::none(), 3), (std::vector<FaultKind>(3, FaultKind::kNone)));
}

TEST(FaultSchedule, NamesRoundTrip) {
    for (FaultKind kind : all_fault_kinds()) {
        EXPECT_EQ(parse_fault_kind(fault_kind_name(kind)), kind);
    }
    EXPECT_EQ(all_fault_kinds().size(), kFaultKindCount - 1);
    EXPECT_FALSE(parse_fault_kind("404").has_value());
}

}  // namespace
}  // namespace azblobfs::fault_proxy
