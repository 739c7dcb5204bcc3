// Priority dispatching rules for the job shop, applied inside the Giffler-Thompson active-schedule
// generator: at each step the machine M* of the operation with the earliest possible completion C* is
// chosen, the conflict set is every next operation on M* that can start before C*, and the rule picks one
// (smallest key; ties to the lower job id).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schedkit/graph/jssp_instance.h"

namespace schedkit::graph {

enum class DispatchRule { kSpt, kLpt, kMwkr, kLwkr, kMor, kLor, kFifo, kFddMwkr };

// spt, lpt, mwkr, lwkr, mor, lor, fifo, fdd/mwkr (also mopnr, fdd-mwkr, fddmwkr), in any case; throws
// schedkit::Error naming `what` (a flag) and listing the valid names.
DispatchRule ParseDispatchRule(const std::string& name, std::string_view what = "dispatching rule");
const char* DispatchRuleName(DispatchRule r);
std::vector<DispatchRule> AllDispatchRules();

JsspSchedule ScheduleByRule(const JsspInstance& inst, DispatchRule rule);

}  // namespace schedkit::graph
