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
#include <limits>
#include <queue>
#include <unordered_map>

#include "ranked_policy.h"
#include "schedkit/serve/policy_registry.h"
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

  void OnScheduled(ScheduledBatch batch) override {
    for (const ScheduledView s : batch) calls_[*s.request].service += 1.0;
  }
  void OnFinished(const Request& r) override {
    if (!p_.program_level) return;
    Program& prog = programs_[r.spec.program];
    const Call& call = calls_[r];
    prog.service += call.service;
    const double path = call.start + call.service;
    prog.max_path = std::max(prog.max_path, path);
    if (p_.atlas) path_end_[r.spec.id] = path;
  }

  // A call's attained service, in iterations it ran in (read-only: tests).
  double attained_service(const Request& r) const { return calls_[r].service; }

 protected:
  void RankArrival(const Request& r, RankSlot& rank, const EngineView&) override {
    Call& call = calls_.Reset(r);
    if (!p_.program_level) {  // MLFQ: every call enters the first queue
      Rank(call, rank);
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
      call.start = prog.service;
    } else if (r.spec.parents.empty()) {
      call.start = prog.max_path;
    } else {
      for (RequestId parent : r.spec.parents) {
        auto it = path_end_.find(parent);
        call.start = std::max(call.start, it == path_end_.end() ? prog.max_path : it->second);
      }
    }
    Rank(call, rank);
  }
  void RankRequeued(const Request& r, RankSlot& rank) override { Rank(calls_[r], rank); }
  bool NotesEveryRerank() const override { return true; }  // ranks change only in RerankRunning
  void AfterQueued(Request* r) override {
    waiting_.push(
        WaitEntry{r, rank(*r).queue_stamp, std::max(r->last_scheduled_iteration, r->arrival_iteration)});
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
          (p_.program_level ? programs_[e.r->spec.program].service : 0.0) + calls_[*e.r].service;
      if (waited / std::max(1.0, service) < p_.beta) break;
      waiting_.pop();
      SetLevel(calls_[*e.r], mutable_rank(*e.r), 0);
      Rerank(e.r);
    }
  }
  void RerankRunning(std::vector<Request*>& running, const EngineView&) override {
    Call* calls = calls_.data();  // not resized here
    for (size_t j = 0; j < running.size(); ++j) {
      // Demote as service accrues. Level(v) <= rank_class while v is below the upper bound of the current
      // queue, so only a request that crossed it needs the level search (most do not, in any iteration); the
      // bound sits beside the value so that this test reads one table entry.
      Call& call = calls[running[j]->slot];
      const double value = call.start + call.service;
      if (value < call.bound) continue;
      SetLevel(call, mutable_rank(*running[j]), Level(value));  // a higher level: value >= the old bound
      NoteReranked(j);
    }
  }

 private:
  struct Call {
    // The value the call's own service adds to: PLAS, its program's service at arrival; ATLAS, its
    // critical-path start; MLFQ, 0.
    double start = 0;
    double service = 0;  // iterations the call ran in
    double bound = 0;    // upper bound of the values of its queue (infinity for the last queue)
  };
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
  // Every change of a call's queue goes through here, keeping Call::bound in step with the rank class.
  void SetLevel(Call& call, RankSlot& rank, int32_t level) const {
    rank.rank_class = level;
    call.bound = level < p_.levels - 1 ? upper_bound_[level] : std::numeric_limits<double>::infinity();
  }
  void Rank(Call& call, RankSlot& rank) const {
    SetLevel(call, rank, Level(call.start + call.service));
    rank.rank_key = 0;  // FCFS inside a queue (arrival order breaks the tie)
  }

  Params p_;
  std::vector<double> upper_bound_;  // of queues 0 .. levels-2, computed as Level() does
  std::unordered_map<ProgramId, Program> programs_;
  std::unordered_map<RequestId, double> path_end_;
  std::priority_queue<WaitEntry> waiting_;
  SlotTable<Call> calls_;
};

std::unique_ptr<SchedulingPolicy> Make(bool program_level, bool atlas, OptionReader& reader) {
  const std::string& name = reader.policy();
  AutellixPolicy::Params p;
  p.program_level = program_level;
  p.atlas = atlas;
  p.levels = static_cast<int32_t>(reader.Int("levels"));
  p.base = reader.Double("base");
  p.ratio = reader.Double("ratio");
  p.beta = reader.Double("beta");
  const std::string preemption = reader.String("preemption");
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

std::vector<PolicyOptionInfo> QueueOptions() {
  return {
      {"levels", "8", "number of queues, in [1, 64]"},
      {"base", "32", "upper bound of the first queue, in iterations of service"},
      {"ratio", "4", "each queue's bound is this times the previous one's (> 1)"},
      {"beta", "8", "anti-starvation: promote when waited / service reaches this"},
      PreemptionOption("swap"),
  };
}

const PolicyRegistration kAutellixPlasRegistration{PolicyInfo{
    .name = "autellix-plas",
    .description =
        "Autellix PLAS (Luo et al. 2025): least program-level attained service first, multilevel queues",
    .needs_program_ids = true,
    .options = QueueOptions(),
    .make = [](OptionReader& options) { return Make(true, false, options); },
}};

const PolicyRegistration kAutellixAtlasRegistration{PolicyInfo{
    .name = "autellix-atlas",
    .description =
        "Autellix ATLAS (Luo et al. 2025): least critical-path attained service first, multilevel queues",
    .needs_program_ids = true,
    .options = QueueOptions(),
    .make = [](OptionReader& options) { return Make(true, true, options); },
}};

const PolicyRegistration kMlfqRegistration{PolicyInfo{
    .name = "mlfq",
    .description =
        "MLFQ: call-level multilevel feedback queues (FastServe-style, the Autellix paper's baseline)",
    .options = QueueOptions(),
    .make = [](OptionReader& options) { return Make(false, false, options); },
}};

}  // namespace

}  // namespace schedkit::serve
