#include "schedkit/graph/jssp_rules.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::graph {

namespace {
// The last three are other spellings found in the literature.
constexpr util::NamedValue<DispatchRule> kRuleNames[] = {
    {"spt", DispatchRule::kSpt},          {"lpt", DispatchRule::kLpt},          {"mwkr", DispatchRule::kMwkr},
    {"lwkr", DispatchRule::kLwkr},        {"mor", DispatchRule::kMor},          {"lor", DispatchRule::kLor},
    {"fifo", DispatchRule::kFifo},        {"fdd/mwkr", DispatchRule::kFddMwkr}, {"mopnr", DispatchRule::kMor},
    {"fdd-mwkr", DispatchRule::kFddMwkr}, {"fddmwkr", DispatchRule::kFddMwkr}};
}  // namespace

DispatchRule ParseDispatchRule(const std::string& name, std::string_view what) {
  std::string s;
  for (char c : name) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return util::ParseEnum<DispatchRule>(s, what, kRuleNames);
}

const char* DispatchRuleName(DispatchRule r) {
  switch (r) {
    case DispatchRule::kSpt:
      return "SPT";
    case DispatchRule::kLpt:
      return "LPT";
    case DispatchRule::kMwkr:
      return "MWKR";
    case DispatchRule::kLwkr:
      return "LWKR";
    case DispatchRule::kMor:
      return "MOR";
    case DispatchRule::kLor:
      return "LOR";
    case DispatchRule::kFifo:
      return "FIFO";
    case DispatchRule::kFddMwkr:
      return "FDD/MWKR";
  }
  return "?";
}

std::vector<DispatchRule> AllDispatchRules() {
  return {DispatchRule::kSpt, DispatchRule::kLpt, DispatchRule::kMwkr, DispatchRule::kLwkr,
          DispatchRule::kMor, DispatchRule::kLor, DispatchRule::kFifo, DispatchRule::kFddMwkr};
}

JsspSchedule ScheduleByRule(const JsspInstance& inst, DispatchRule rule) {
  const int n = inst.num_jobs, m = inst.num_machines;
  std::vector<int> next(n, 0);           // index of the next unscheduled operation of each job
  std::vector<int64_t> job_ready(n, 0);  // completion of the job's previous operation
  std::vector<int64_t> mach_ready(m, 0);
  std::vector<int64_t> work_left(n, 0);  // remaining processing time, next operation included
  std::vector<int64_t> flow_due(n, 0);   // sum of processing times up to and including the next op
  for (int j = 0; j < n; ++j) {
    for (int k = 0; k < m; ++k) work_left[j] += inst.proc[inst.Op(j, k)];
    flow_due[j] = inst.proc[inst.Op(j, 0)];
  }
  auto key = [&](int j) -> double {
    const int o = inst.Op(j, next[j]);
    switch (rule) {
      case DispatchRule::kSpt:
        return inst.proc[o];
      case DispatchRule::kLpt:
        return -inst.proc[o];
      case DispatchRule::kMwkr:
        return -static_cast<double>(work_left[j]);
      case DispatchRule::kLwkr:
        return static_cast<double>(work_left[j]);
      case DispatchRule::kMor:
        return -(m - next[j]);
      case DispatchRule::kLor:
        return m - next[j];
      case DispatchRule::kFifo:
        return static_cast<double>(job_ready[j]);
      case DispatchRule::kFddMwkr:
        return work_left[j] > 0 ? static_cast<double>(flow_due[j]) / static_cast<double>(work_left[j]) : 0.0;
    }
    return 0.0;
  };
  JsspSchedule s;
  s.start.assign(inst.num_ops(), 0);
  for (int step = 0; step < inst.num_ops(); ++step) {
    // Earliest completion over all next operations: machine M* and time C*.
    int64_t best_c = std::numeric_limits<int64_t>::max();
    int best_m = -1;
    for (int j = 0; j < n; ++j) {
      if (next[j] == m) continue;
      const int o = inst.Op(j, next[j]);
      const int64_t c = std::max(job_ready[j], mach_ready[inst.machine[o]]) + inst.proc[o];
      if (c < best_c) {
        best_c = c;
        best_m = inst.machine[o];
      }
    }
    // Conflict set on M*: next operations that could start before C*; the rule picks one.
    int pick = -1;
    double pick_key = 0;
    for (int j = 0; j < n; ++j) {
      if (next[j] == m) continue;
      const int o = inst.Op(j, next[j]);
      if (inst.machine[o] != best_m) continue;
      const int64_t est = std::max(job_ready[j], mach_ready[best_m]);
      if (est > best_c || (est == best_c && inst.proc[o] > 0)) continue;  // cannot start before C*
      const double k = key(j);
      if (pick < 0 || k < pick_key) {
        pick = j;
        pick_key = k;
      }
    }
    const int o = inst.Op(pick, next[pick]);
    const int64_t start = std::max(job_ready[pick], mach_ready[best_m]);
    s.start[o] = start;
    job_ready[pick] = mach_ready[best_m] = start + inst.proc[o];
    s.makespan = std::max(s.makespan, start + inst.proc[o]);
    work_left[pick] -= inst.proc[o];
    if (++next[pick] < m) flow_due[pick] += inst.proc[inst.Op(pick, next[pick])];
  }
  return s;
}

}  // namespace schedkit::graph
