#include "schedkit/graph/isbjssp.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>

#include "schedkit/util/error.h"

namespace schedkit::graph {

namespace {

enum class JobState { kWaiting, kProcessing, kBlocked, kDone };

struct Sim {
  const JsspInstance& inst;
  const IsbjsspOptions& opt;
  int n, m;
  std::vector<JobState> state;
  std::vector<int> next;            // operation index the job is on (processing/blocked) or waits for
  std::vector<int64_t> remaining;   // processing left of the current operation
  std::vector<int64_t> since;       // time the job became ready for its next machine
  std::vector<int64_t> work_left;   // unprocessed work, current operation included
  std::vector<int> holder;          // per machine: job holding it, -1 when free
  std::vector<int64_t> down_until;  // per machine
  IsbjsspResult res;
  int64_t now = 0;

  Sim(const JsspInstance& i, const IsbjsspOptions& o)
      : inst(i),
        opt(o),
        n(i.num_jobs),
        m(i.num_machines),
        state(n, JobState::kWaiting),
        next(n, 0),
        remaining(n, 0),
        since(n, 0),
        work_left(n, 0),
        holder(m, -1),
        down_until(m, 0) {
    for (int j = 0; j < n; ++j) {
      for (int k = 0; k < m; ++k) work_left[j] += inst.proc[inst.Op(j, k)];
    }
    res.ops.assign(inst.num_ops(), IsbjsspOpRecord{});
  }

  // The machine job j needs next (its waiting operation, or the one after the blocked one).
  int Target(int j) const {
    const int k = state[j] == JobState::kBlocked ? next[j] + 1 : next[j];
    return inst.machine[inst.Op(j, k)];
  }
  int TargetOp(int j) const { return inst.Op(j, state[j] == JobState::kBlocked ? next[j] + 1 : next[j]); }

  double Key(int j) const {
    const int o = TargetOp(j);
    const int k = inst.IndexInJob(o);
    const int64_t wl = work_left[j];  // unprocessed work, the target operation included
    switch (opt.rule) {
      case DispatchRule::kSpt:
        return inst.proc[o];
      case DispatchRule::kLpt:
        return -inst.proc[o];
      case DispatchRule::kMwkr:
        return -static_cast<double>(wl);
      case DispatchRule::kLwkr:
        return static_cast<double>(wl);
      case DispatchRule::kMor:
        return -(m - k);
      case DispatchRule::kLor:
        return m - k;
      case DispatchRule::kFifo:
        return static_cast<double>(since[j]);
      case DispatchRule::kFddMwkr: {
        int64_t fdd = 0;
        for (int x = 0; x <= k; ++x) fdd += inst.proc[inst.Op(j, x)];
        return wl > 0 ? static_cast<double>(fdd) / static_cast<double>(wl) : 0.0;
      }
    }
    return 0.0;
  }

  // Job j enters machine `mach` for its target operation (leaving its current machine if blocked).
  void Enter(int j, int mach) {
    if (state[j] == JobState::kBlocked) {
      const int from = inst.machine[inst.Op(j, next[j])];
      res.ops[inst.Op(j, next[j])].leave = now;
      res.blocked_time += now - since[j];
      if (holder[from] == j) holder[from] = -1;
      ++next[j];
    }
    const int o = inst.Op(j, next[j]);
    holder[mach] = j;
    state[j] = JobState::kProcessing;
    remaining[j] = inst.proc[o];
    res.ops[o].enter = now;
  }

  // A job whose operation has no processing left becomes blocked, or done after its last operation.
  bool Finish(int j) {
    if (state[j] != JobState::kProcessing || remaining[j] > 0) return false;
    const int o = inst.Op(j, next[j]);
    if (next[j] + 1 == m) {
      state[j] = JobState::kDone;
      res.ops[o].leave = now;
      holder[inst.machine[o]] = -1;
      res.makespan = std::max(res.makespan, now);
    } else {
      state[j] = JobState::kBlocked;
      since[j] = now;
    }
    return true;
  }

  void Dispatch() {
    bool moved = true;
    while (moved) {
      moved = false;
      for (int j = 0; j < n; ++j) moved = Finish(j) || moved;  // zero-time operations end at once
      // Free machines to the best requesting job.
      for (int mach = 0; mach < m; ++mach) {
        if (holder[mach] >= 0) continue;
        int pick = -1;
        double pick_key = 0;
        for (int j = 0; j < n; ++j) {
          if (state[j] != JobState::kWaiting && state[j] != JobState::kBlocked) continue;
          if (Target(j) != mach) continue;
          const double k = Key(j);
          if (pick < 0 || k < pick_key) {
            pick = j;
            pick_key = k;
          }
        }
        if (pick >= 0) {
          Enter(pick, mach);
          moved = true;
        }
      }
      if (moved) continue;
      // Swap cycles among blocked jobs: j -> the blocked holder of the machine j needs.
      std::vector<int> succ(n, -1), mark(n, 0);
      for (int j = 0; j < n; ++j) {
        if (state[j] != JobState::kBlocked) continue;
        const int h = holder[Target(j)];
        if (h >= 0 && state[h] == JobState::kBlocked) succ[j] = h;
      }
      for (int s = 0; s < n && !moved; ++s) {
        if (succ[s] < 0 || mark[s]) continue;
        int v = s;
        while (v >= 0 && !mark[v]) {
          mark[v] = s + 1;
          v = succ[v];
        }
        if (v < 0 || mark[v] != s + 1) continue;  // the walk ended or joined an older walk
        std::vector<int> cycle;
        int c = v;
        do {
          cycle.push_back(c);
          c = succ[c];
        } while (c != v);
        // Everyone leaves, then everyone enters: machines change hands simultaneously.
        std::vector<int> targets;
        for (int j : cycle) targets.push_back(Target(j));
        for (size_t i = 0; i < cycle.size(); ++i) {
          const int j = cycle[i];
          const int from = inst.machine[inst.Op(j, next[j])];
          res.ops[inst.Op(j, next[j])].leave = now;
          res.blocked_time += now - since[j];
          holder[from] = -1;
          ++next[j];
          state[j] = JobState::kWaiting;
        }
        for (size_t i = 0; i < cycle.size(); ++i) Enter(cycle[i], targets[i]);
        ++res.swaps;
        moved = true;
      }
    }
  }

  void Run() {
    const int dmax =
        opt.max_down > 0 ? opt.max_down : std::max(1, *std::max_element(inst.proc.begin(), inst.proc.end()));
    std::mt19937_64 rng(opt.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<int> down(1, dmax);
    int done = 0;
    // A safety horizon far beyond any real finish; saturated rather than overflowed on huge instances.
    int64_t limit = std::numeric_limits<int64_t>::max();
    const int64_t total = 1 + std::accumulate(inst.proc.begin(), inst.proc.end(), int64_t{0});
    if (total <= limit / 1000 / (1 + int64_t{dmax})) limit = int64_t{1000} * total * (1 + dmax);
    while (true) {
      Dispatch();
      done = 0;
      for (int j = 0; j < n; ++j) done += state[j] == JobState::kDone;
      if (done == n) break;
      if (now > limit) throw Error("ISBJSSP simulation did not finish (this is a bug)");
      // Shutdowns of machines processing now, then one time unit of processing on the machines that are up.
      for (int mach = 0; mach < m; ++mach) {
        const int j = holder[mach];
        if (j < 0 || state[j] != JobState::kProcessing || down_until[mach] > now) continue;
        if (opt.shutdown_probability > 0 && unit(rng) < opt.shutdown_probability) {
          down_until[mach] = now + down(rng);
          ++res.shutdowns;
        }
      }
      for (int mach = 0; mach < m; ++mach) {
        const int j = holder[mach];
        if (j < 0 || state[j] != JobState::kProcessing || down_until[mach] > now) continue;
        auto& runs = res.ops[inst.Op(j, next[j])].runs;
        if (!runs.empty() && runs.back().second == now) {
          runs.back().second = now + 1;
        } else {
          runs.push_back({now, now + 1});
        }
        --remaining[j];
        --work_left[j];
      }
      ++now;
    }
  }
};

}  // namespace

IsbjsspResult SimulateIsbjssp(const JsspInstance& inst, const IsbjsspOptions& options) {
  if (!(options.shutdown_probability >= 0 && options.shutdown_probability < 1)) {
    throw Error(
        fmt::format("the shutdown probability must be in [0, 1), got {}", options.shutdown_probability));
  }
  if (options.max_down < 0) throw Error(fmt::format("max_down must be >= 0, got {}", options.max_down));
  Sim sim(inst, options);
  sim.Run();
  return sim.res;
}

std::vector<std::string> FindIsbjsspViolations(const JsspInstance& inst, const IsbjsspResult& r) {
  std::vector<std::string> out;
  if (static_cast<int>(r.ops.size()) != inst.num_ops()) {
    out.push_back("wrong number of operation records");
    return out;
  }
  int64_t makespan = 0;
  std::vector<std::vector<std::pair<int64_t, int64_t>>> holds(inst.num_machines);
  for (int j = 0; j < inst.num_jobs; ++j) {
    for (int k = 0; k < inst.num_machines; ++k) {
      const int o = inst.Op(j, k);
      const IsbjsspOpRecord& rec = r.ops[o];
      if (rec.enter < 0 || rec.leave < rec.enter) {
        out.push_back(fmt::format("job {} op {}: bad holding interval [{}, {})", j, k, rec.enter, rec.leave));
        continue;
      }
      int64_t done = 0, last_end = rec.enter;
      for (const auto& [s, e] : rec.runs) {
        if (s < last_end || e <= s || e > rec.leave) {
          out.push_back(
              fmt::format("job {} op {}: processing [{}, {}) outside its hold or out of order", j, k, s, e));
        }
        done += e - s;
        last_end = e;
      }
      if (done != inst.proc[o]) {
        out.push_back(fmt::format("job {} op {}: processed {} of {}", j, k, done, inst.proc[o]));
      }
      if (k > 0 && r.ops[o - 1].leave != rec.enter) {
        out.push_back(fmt::format("job {} op {}: enters at {} but left its previous machine at {}", j, k,
                                  rec.enter, r.ops[o - 1].leave));
      }
      if (k + 1 == inst.num_machines && rec.leave != last_end) {
        out.push_back(fmt::format("job {}: the last operation does not free its machine at completion", j));
      }
      holds[inst.machine[o]].push_back({rec.enter, rec.leave});
      makespan = std::max(makespan, rec.leave);
    }
  }
  for (int mach = 0; mach < inst.num_machines; ++mach) {
    auto& h = holds[mach];
    std::sort(h.begin(), h.end());
    for (size_t i = 1; i < h.size(); ++i) {
      if (h[i].first < h[i - 1].second) {
        out.push_back(fmt::format("machine {}: holds [{}, {}) and [{}, {}) overlap", mach, h[i - 1].first,
                                  h[i - 1].second, h[i].first, h[i].second));
      }
    }
  }
  if (makespan != r.makespan)
    out.push_back(fmt::format("makespan {} but the last job leaves at {}", r.makespan, makespan));
  return out;
}

}  // namespace schedkit::graph
