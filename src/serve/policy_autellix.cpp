// `autellix-plas` and `autellix-atlas`: program-aware scheduling (Luo et al. 2025), reconstructed (no
// official code; docs/policies.md gives the reading and the constants). A call's priority value is
//   PLAS:  the attained service of its program's completed calls + its own attained service;
//   ATLAS: the critical-path service before it, max over its parents of (parent's value + parent's service)
//          (the program's largest completed critical path when it names no parents), + its own service.
// Service is counted in iterations the call ran in (the decode-step proxy of the public reimplementations).
// The value is binned into `levels` queues with boundaries base x ratio^k (k = 0 .. levels-2); a lower queue
// runs first, FCFS inside a queue; a waiting call of a better queue evicts the worst running call (swap).
// Anti-starvation: a waiting call whose waited iterations / max(1, its program's service + its own) >= beta
// is promoted to the first queue (checked in order of waiting time, oldest first, stopping at the first that
// does not qualify). Every request needs a program id (RequestSpec::program). Options: levels (8), base (32),
// ratio (4), beta (8), preemption = swap | recompute.
// `mlfq`: the call-level MLFQ baseline of the Autellix paper (FastServe-style): the same queues, demotion and
// options, but every call enters the first queue (its value is its own attained service only) and
// anti-starvation compares a call's waited iterations with its own service. Needs no program ids.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <queue>
#include <unordered_map>

#include "policies.h"
#include "ranked_policy.h"
#include "schedkit/serve/policy_options.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

class AutellixPolicy : public RankedPolicy {
 public:
  struct Params {
    bool program_level = true;  // false: the call-level MLFQ baseline
    bool atlas = false;
    int32_t levels = 8;
    double base = 32;
    double ratio = 4;
    double beta = 8;
  };
  AutellixPolicy(std::string name, BatchingRules rules, Params p)
      : RankedPolicy(std::move(name), rules), p_(p) {
    double bound = p_.base;  // queue k holds values below base x ratio^k
    for (int32_t k = 0; k < p_.levels - 1; ++k, bound *= p_.ratio) upper_bound_.push_back(bound);
  }

  void OnScheduled(std::span<const ScheduledRequest> batch) override {
    for (const ScheduledRequest& s : batch) s.request->attained_service += 1.0;
  }
  void OnFinished(const Request& r) override {
    if (!p_.program_level) return;
    Program& prog = programs_[r.spec.program];
    prog.service += r.attained_service;
    const double path = r.score + r.attained_service;  // score holds the call's critical-path start (ATLAS)
    prog.max_path = std::max(prog.max_path, path);
    if (p_.atlas) path_end_[r.spec.id] = path;
  }

 protected:
  void RankArrival(Request& r, const EngineView& engine) override {
    (void)engine;
    if (!p_.program_level) {  // MLFQ: every call enters the first queue
      r.score = 0;
      Rank(r);
      return;
    }
    if (r.spec.program == kNoProgram) {
      throw Error(
          fmt::format("policy {}: request {} has no program id (field `program`); program-aware "
                      "scheduling needs the program of every call (e.g. the simulator's agentic program "
                      "workload)",
                      name(), r.spec.id));
    }
    const Program& prog = programs_[r.spec.program];
    if (!p_.atlas) {
      r.score = prog.service;
    } else if (r.spec.parents.empty()) {
      r.score = prog.max_path;
    } else {
      double start = 0;
      for (RequestId parent : r.spec.parents) {
        auto it = path_end_.find(parent);
        start = std::max(start, it == path_end_.end() ? prog.max_path : it->second);
      }
      r.score = start;
    }
    Rank(r);
  }
  void RankRequeued(Request& r) override { Rank(r); }
  bool NotesEveryRerank() const override { return true; }  // ranks change only in RerankRunning
  void AfterQueued(Request* r) override {
    waiting_.push(WaitEntry{r, r->queue_stamp, std::max(r->last_scheduled_iteration, r->arrival_iteration)});
  }
  void BeforeIteration(const EngineView& engine) override {
    while (!waiting_.empty()) {
      const WaitEntry e = waiting_.top();
      if (!IsWaiting(e.r, e.stamp)) {
        waiting_.pop();
        continue;
      }
      const double waited = static_cast<double>(engine.iteration - 1 - e.since);
      const double service =
          (p_.program_level ? programs_[e.r->spec.program].service : 0.0) + e.r->attained_service;
      if (waited / std::max(1.0, service) < p_.beta) break;
      waiting_.pop();
      e.r->rank_class = 0;
      Rerank(e.r);
    }
  }
  void RerankRunning(std::vector<Request*>& running, const EngineView&) override {
    for (size_t j = 0; j < running.size(); ++j) {
      // Demote as service accrues. Level(v) <= rank_class while v is below the upper bound of the current
      // queue, so only a request that crossed it needs the level search (most do not, in any iteration).
      Request* r = running[j];
      const double value = r->score + r->attained_service;
      if (r->rank_class >= p_.levels - 1 || value < upper_bound_[r->rank_class]) continue;
      const int32_t level = Level(value);
      if (level > r->rank_class) {
        r->rank_class = level;
        NoteReranked(j);
      }
    }
  }

 private:
  struct Program {
    double service = 0;   // PLAS: attained service of completed calls
    double max_path = 0;  // ATLAS: largest critical-path end of completed calls
  };
  struct WaitEntry {
    Request* r;
    uint64_t stamp;
    int64_t since;
    bool operator<(const WaitEntry& o) const { return since > o.since; }
  };
  int32_t Level(double value) const {
    double bound = p_.base;
    for (int32_t k = 0; k < p_.levels - 1; ++k, bound *= p_.ratio) {
      if (value < bound) return k;
    }
    return p_.levels - 1;
  }
  void Rank(Request& r) const {
    r.rank_class = Level(r.score + r.attained_service);
    r.rank_key = 0;  // FCFS inside a queue (arrival order breaks the tie)
  }

  Params p_;
  std::vector<double> upper_bound_;  // of queues 0 .. levels-2, computed as Level() does
  std::unordered_map<ProgramId, Program> programs_;
  std::unordered_map<RequestId, double> path_end_;
  std::priority_queue<WaitEntry> waiting_;
};

std::unique_ptr<SchedulingPolicy> Make(const char* name, bool program_level, bool atlas,
                                       const PolicyOptions& options) {
  OptionReader reader(name, options);
  AutellixPolicy::Params p;
  p.program_level = program_level;
  p.atlas = atlas;
  p.levels = static_cast<int32_t>(reader.Int("levels", 8));
  p.base = reader.Double("base", 32);
  p.ratio = reader.Double("ratio", 4);
  p.beta = reader.Double("beta", 8);
  const std::string preemption = reader.String("preemption", "swap");
  reader.RejectUnknown();
  if (p.levels < 1 || p.levels > 64)
    throw Error(fmt::format("policy {}: option levels={} must be in [1, 64]", name, p.levels));
  if (!(p.base > 0) || !(p.ratio > 1)) {
    throw Error(
        fmt::format("policy {}: options base={} and ratio={} must be > 0 and > 1", name, p.base, p.ratio));
  }
  if (!(p.beta > 0)) throw Error(fmt::format("policy {}: option beta={} must be positive", name, p.beta));
  return std::make_unique<AutellixPolicy>(name, RankedRules(ParsePreemption(name, preemption)), p);
}

}  // namespace

std::unique_ptr<SchedulingPolicy> MakeAutellixPlasPolicy(const PolicyOptions& options) {
  return Make("autellix-plas", true, false, options);
}
std::unique_ptr<SchedulingPolicy> MakeAutellixAtlasPolicy(const PolicyOptions& options) {
  return Make("autellix-atlas", true, true, options);
}
std::unique_ptr<SchedulingPolicy> MakeMlfqPolicy(const PolicyOptions& options) {
  return Make("mlfq", false, false, options);
}

}  // namespace schedkit::serve
