#include "schedkit/graph/jssp_tabu.h"

#include <fmt/core.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

#include "schedkit/graph/jssp_disjunctive_graph.h"
#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::graph {

namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The operation at position `from` of machine `mach` moves to position `to`.
struct Move {
  int mach, from, to;
};

// Critical blocks of `path` as [begin, end) index ranges: maximal runs of operations adjacent on a machine.
void SplitBlocks(const JsspGraph& g, const std::vector<int>& path, std::vector<std::pair<int, int>>& blocks) {
  blocks.clear();
  const int len = static_cast<int>(path.size());
  for (int i = 0; i < len; ++i) {
    if (i > 0 && g.MachSucc(path[i - 1]) == path[i]) {
      blocks.back().second = i + 1;
    } else {
      blocks.emplace_back(i, i + 1);
    }
  }
}

// N5: in every critical block swap the first two and the last two operations, except the first two of
// the first block and the last two of the last block.
void N5Moves(const JsspGraph& g, const std::vector<int>& path, const std::vector<std::pair<int, int>>& blocks,
             std::vector<Move>& moves) {
  moves.clear();
  const size_t k = blocks.size();
  for (size_t i = 0; i < k; ++i) {
    const auto [b, e] = blocks[i];
    const int len = e - b;
    if (len < 2) continue;
    const int mach = g.MachineOf(path[b]), p0 = g.Position(path[b]), pl = g.Position(path[e - 1]);
    if (i > 0) moves.push_back({mach, p0, p0 + 1});
    if (i + 1 < k && (len > 2 || i == 0)) moves.push_back({mach, pl - 1, pl});
  }
}

// N7 (Zhang et al. 2007): N5's swaps plus moving an inner operation of a block to the front or the back of
// the block, and moving the first or last operation into the block, each kept only when a sufficient
// condition guarantees no cycle: forward u past v needs tail(v) >= tail of u's job successor, backward v
// before u needs end(u) >= end of v's job predecessor.
void N7Moves(const JsspGraph& g, const std::vector<int>& path, const std::vector<std::pair<int, int>>& blocks,
             std::vector<Move>& moves) {
  moves.clear();
  for (const auto& [b0, e0] : blocks) {
    const int* b = path.data() + b0;
    const int len = e0 - b0;
    if (len < 2) continue;
    const int mach = g.MachineOf(b[0]), p0 = g.Position(b[0]);
    auto forward_ok = [&](int i, int j) {  // b[i] to just after b[j], i < j
      const int js = g.JobSucc(b[i]);
      return j == i + 1 || js < 0 || g.TailFrom(b[j]) >= g.TailFrom(js);
    };
    auto backward_ok = [&](int j, int i) {  // b[j] to just before b[i], i < j
      const int jp = g.JobPred(b[j]);
      return j == i + 1 || jp < 0 || g.End(b[i]) >= g.End(jp);
    };
    for (int j = 1; j < len; ++j) {  // first operation moved later
      if (forward_ok(0, j)) moves.push_back({mach, p0, p0 + j});
    }
    for (int i = 0; i + 1 < len; ++i) {            // last operation moved earlier
      if (i + 1 == len - 1 && len == 2) continue;  // same swap as above
      if (backward_ok(len - 1, i)) moves.push_back({mach, p0 + len - 1, p0 + i});
    }
    for (int k = 1; k + 1 < len; ++k) {  // inner operations to the front or the back
      if (backward_ok(k, 0)) moves.push_back({mach, p0 + k, p0});
      if (forward_ok(k, len - 1)) moves.push_back({mach, p0 + k, p0 + len - 1});
    }
  }
}

using Orders = std::vector<std::vector<int>>;

// Positions (machine, index) where two machine orders differ.
int Distance(const Orders& a, const Orders& b) {
  int d = 0;
  for (size_t m = 0; m < a.size(); ++m) {
    for (size_t i = 0; i < a[m].size(); ++i) d += a[m][i] != b[m][i];
  }
  return d;
}

class Search {
 public:
  Search(const JsspInstance& inst, const JsspSchedule& initial, const TabuOptions& opt)
      : inst_(inst),
        opt_(opt),
        g_(inst, MachineOrders(inst, initial)),
        n_(inst.num_ops()),
        tabu_until_(static_cast<size_t>(n_) * n_, 0),
        rng_(opt.seed),
        wall0_(std::chrono::steady_clock::now()),
        cpu0_(ThreadCpuSeconds()) {
    if (!g_.Evaluate())
      throw Error(fmt::format("{}: the initial schedule's machine orders have a cycle", inst.name));
    const int base_tenure = 10 + inst.num_jobs / std::max(1, inst.num_machines);
    const int lo = std::max(1, static_cast<int>(opt.tenure_min_factor * base_tenure));
    const int hi = std::max(lo, static_cast<int>(opt.tenure_max_factor * base_tenure));
    tenure_ = std::uniform_int_distribution<int>(lo, hi);
    stall_ = opt.stall_iterations > 0 ? opt.stall_iterations : 2000 + int64_t{10} * n_;
    lb_ = std::max(opt.lower_bound, inst.TrivialLowerBound());
    res_.initial_makespan = g_.makespan();
    res_.best = g_.Schedule();
    best_orders_ = g_.orders();
  }

  TabuResult Run() {
    if (opt_.population >= 2) {
      PathRelinking();
    } else {
      SingleTrajectory();
    }
    res_.iterations = iter_;
    res_.seconds = WallSeconds();
    res_.cpu_seconds = ThreadCpuSeconds() - cpu0_;
    return res_;
  }

 private:
  double WallSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count();
  }
  bool Stopped() const { return !res_.stopped_by.empty(); }

  // Sets res_.stopped_by when a global stop condition holds.
  bool CheckStop() {
    if (res_.best.makespan <= lb_) {
      res_.stopped_by = "lower bound reached";
    } else if (opt_.max_iterations > 0 && iter_ >= opt_.max_iterations) {
      res_.stopped_by = "iteration limit";
    } else if ((iter_ & 127) == 0) {
      if (opt_.clock == TabuClock::kCpu ? ThreadCpuSeconds() - cpu0_ >= opt_.time_limit_s
                                        : WallSeconds() >= opt_.time_limit_s) {
        res_.stopped_by = TabuClockName(opt_.clock) + " time limit";
      }
    }
    return Stopped();
  }

  void OfferGlobal() {
    if (g_.makespan() < res_.best.makespan) {
      res_.best = g_.Schedule();
      best_orders_ = g_.orders();
    }
  }

  void Neighbours(std::vector<Move>& out) {
    g_.CriticalPath(path_);
    SplitBlocks(g_, path_, blocks_);
    if (opt_.neighbourhood == TabuNeighbourhood::kN5) {
      N5Moves(g_, path_, blocks_, out);
    } else {
      N7Moves(g_, path_, blocks_, out);
    }
  }

  // A move creates "x before op" for every x it jumps over; it is tabu if one of those pairs is forbidden.
  bool IsTabu(const Move& m) const {
    const int op = g_.At(m.mach, m.from);
    if (m.from < m.to) {
      for (int i = m.from + 1; i <= m.to; ++i) {
        if (tabu_until_[static_cast<size_t>(g_.At(m.mach, i)) * n_ + op] > iter_) return true;
      }
    } else {
      for (int i = m.to; i < m.from; ++i) {
        if (tabu_until_[static_cast<size_t>(op) * n_ + g_.At(m.mach, i)] > iter_) return true;
      }
    }
    return false;
  }
  // Forbids restoring what the move reverses: the pair that was adjacent (kArc) or every jumped pair
  // (kPairs).
  void SetTabu(const Move& m, int64_t until) {
    const int op = g_.At(m.mach, m.from);
    const bool all = opt_.attribute == TabuAttribute::kPairs;
    if (m.from < m.to) {  // op was before the operations at from+1..to; from+1 was its machine successor
      const int last = all ? m.to : m.from + 1;
      for (int i = m.from + 1; i <= last; ++i)
        tabu_until_[static_cast<size_t>(op) * n_ + g_.At(m.mach, i)] = until;
    } else {  // op was after the operations at to..from-1; from-1 was its machine predecessor
      const int first = all ? m.to : m.from - 1;
      for (int i = first; i < m.from; ++i)
        tabu_until_[static_cast<size_t>(g_.At(m.mach, i)) * n_ + op] = until;
    }
  }

  // Tabu search from the graph's current orders until stall_ moves without improving the walk's own best
  // (kept in walk_orders_ / walk_makespan_) or a global stop.
  void Walk() {
    walk_makespan_ = g_.makespan();
    walk_orders_ = g_.orders();
    int64_t last_improved = iter_;
    OfferGlobal();
    while (!CheckStop() && iter_ - last_improved <= stall_) {
      Neighbours(moves_);
      if (moves_.empty()) {  // one critical block or a single job chain: the makespan is a lower bound
        res_.stopped_by = "no move (optimal)";
        break;
      }
      int pick = -1, ties = 0;
      int64_t pick_est = 0;
      for (size_t i = 0; i < moves_.size(); ++i) {
        const int64_t est = g_.MoveEstimate(moves_[i].mach, moves_[i].from, moves_[i].to);
        if (pick >= 0 && est > pick_est) continue;
        if (est >= res_.best.makespan && IsTabu(moves_[i])) continue;  // aspiration: beating the best
        if (pick >= 0 && est == pick_est) {  // equal estimates: a uniform choice among them
          if (rng_() % ++ties != 0) continue;
        } else {
          ties = 1;
        }
        pick = static_cast<int>(i);
        pick_est = est;
      }
      if (pick < 0) pick = static_cast<int>(rng_() % moves_.size());  // every move tabu: take one at random
      const Move mv = moves_[pick];
      SetTabu(mv, iter_ + tenure_(rng_));
      g_.Move(mv.mach, mv.from, mv.to);  // N5/N7 moves cannot close a cycle; a refused move is a no-op
      ++iter_;
      if (g_.makespan() < walk_makespan_) {
        walk_makespan_ = g_.makespan();
        walk_orders_ = g_.orders();
        last_improved = iter_;
        OfferGlobal();
      }
    }
  }

  // Back to the best orders after each stalled walk, then a few random critical swaps to leave its basin.
  void SingleTrajectory() {
    while (true) {
      Walk();
      if (Stopped()) break;
      g_.SetOrders(best_orders_);
      const int kicks = 2 + static_cast<int>(rng_() % 4);
      for (int k = 0; k < kicks; ++k) {
        g_.CriticalPath(path_);
        SplitBlocks(g_, path_, blocks_);
        N5Moves(g_, path_, blocks_, moves_);
        if (moves_.empty()) break;
        const Move r = moves_[rng_() % moves_.size()];
        g_.Move(r.mach, r.from, r.to);
      }
      ++res_.restarts;
    }
  }

  // Random machine orders: the operations in the order of a random interleaving of the jobs (acyclic).
  Orders RandomOrders() {
    std::vector<int> seq;
    for (int j = 0; j < inst_.num_jobs; ++j) seq.insert(seq.end(), inst_.num_machines, j);
    std::shuffle(seq.begin(), seq.end(), rng_);
    std::vector<int> next(inst_.num_jobs, 0);
    Orders orders(inst_.num_machines);
    for (int j : seq) {
      const int o = inst_.Op(j, next[j]++);
      orders[inst_.machine[o]].push_back(o);
    }
    return orders;
  }

  // Moves the graph from `from` toward `guide` by shift moves, each fixing the first position where one
  // machine still differs (positions before it already agree), until a random share in [0.3, 0.5] of the
  // initial distance is covered. Moves that would close a cycle are skipped.
  void Relink(const Orders& from, const Orders& guide) {
    g_.SetOrders(from);
    const int d0 = Distance(from, guide);
    const int target = d0 - static_cast<int>(d0 * std::uniform_real_distribution<double>(0.3, 0.5)(rng_));
    std::vector<int> first_diff(inst_.num_machines, 0), open;
    int d = d0;
    while (d > target) {
      open.clear();
      for (int m = 0; m < inst_.num_machines; ++m) {
        auto& p = first_diff[m];
        const int len = static_cast<int>(guide[m].size());
        while (p < len && g_.At(m, p) == guide[m][p]) ++p;
        if (p < len) open.push_back(m);
      }
      if (open.empty()) break;
      bool moved = false;
      for (size_t tries = 0; tries < open.size() && !moved; ++tries) {
        const int m = open[(rng_() + tries) % open.size()];
        const int p = first_diff[m], q = g_.Position(guide[m][p]);
        int before = 0, after = 0;
        for (int i = p; i <= q; ++i) before += g_.At(m, i) != guide[m][i];
        if (!g_.Move(m, q, p)) continue;
        for (int i = p; i <= q; ++i) after += g_.At(m, i) != guide[m][i];
        d += after - before;
        moved = true;
      }
      if (!moved) break;  // every first difference closes a cycle: stop the path here
    }
  }

  struct Elite {
    Orders orders;
    int64_t makespan;
  };

  // Pool update in the manner of TS/PR: a copy of a member is rejected; otherwise the candidate joins and
  // the member with the worst goodness (0.6 x quality rank + 0.4 x distance-to-pool rank) leaves.
  void UpdatePool(std::vector<Elite>& pool) {
    for (const auto& e : pool) {
      if (e.makespan == walk_makespan_ && Distance(e.orders, walk_orders_) == 0) return;
    }
    pool.push_back({walk_orders_, walk_makespan_});
    if (static_cast<int>(pool.size()) <= opt_.population) return;
    const int k = static_cast<int>(pool.size());
    std::vector<int> min_dist(k, 1 << 30);
    for (int i = 0; i < k; ++i) {
      for (int j = i + 1; j < k; ++j) {
        const int d = Distance(pool[i].orders, pool[j].orders);
        min_dist[i] = std::min(min_dist[i], d);
        min_dist[j] = std::min(min_dist[j], d);
      }
    }
    // Rank 0 = best: shortest makespan, largest distance.
    std::vector<double> score(k, 0.0);
    for (int i = 0; i < k; ++i) {
      int q = 0, r = 0;
      for (int j = 0; j < k; ++j) {
        q += pool[j].makespan < pool[i].makespan;
        r += min_dist[j] > min_dist[i];
      }
      score[i] = 0.6 * q + 0.4 * r;
    }
    const int worst = static_cast<int>(std::max_element(score.begin(), score.end()) - score.begin());
    pool.erase(pool.begin() + worst);
  }

  void PathRelinking() {
    std::vector<Elite> pool;
    const Orders initial = g_.orders();
    for (int k = 0; k < opt_.population && !Stopped(); ++k) {
      g_.SetOrders(k == 0 ? initial : RandomOrders());
      Walk();
      if (k > 0) ++res_.restarts;
      UpdatePool(pool);
    }
    while (!Stopped()) {
      if (pool.size() < 2) {  // all walks found the same solution: restart from a random one
        g_.SetOrders(RandomOrders());
      } else {
        const size_t a = rng_() % pool.size();
        size_t b = rng_() % (pool.size() - 1);
        if (b >= a) ++b;
        Relink(pool[a].orders, pool[b].orders);
      }
      Walk();
      ++res_.restarts;
      UpdatePool(pool);
    }
  }

  const JsspInstance& inst_;
  const TabuOptions& opt_;
  JsspGraph g_;
  int n_;
  std::vector<int64_t> tabu_until_;  // (a, b): "a right before b" is tabu until this iteration
  std::mt19937_64 rng_;
  std::uniform_int_distribution<int> tenure_;
  int64_t stall_ = 0, lb_ = 0, iter_ = 0;
  std::chrono::steady_clock::time_point wall0_;
  double cpu0_;
  TabuResult res_;
  Orders best_orders_, walk_orders_;
  int64_t walk_makespan_ = 0;
  std::vector<int> path_;
  std::vector<std::pair<int, int>> blocks_;
  std::vector<Move> moves_;
};

}  // namespace

namespace {
constexpr util::NamedValue<TabuClock> kClockNames[] = {{"wall", TabuClock::kWall}, {"cpu", TabuClock::kCpu}};
constexpr util::NamedValue<TabuAttribute> kAttributeNames[] = {{"arc", TabuAttribute::kArc},
                                                               {"pairs", TabuAttribute::kPairs}};
constexpr util::NamedValue<TabuNeighbourhood> kNeighbourhoodNames[] = {{"n5", TabuNeighbourhood::kN5},
                                                                       {"n7", TabuNeighbourhood::kN7}};
}  // namespace

std::string TabuClockName(TabuClock c) { return std::string(util::EnumName<TabuClock>(c, kClockNames)); }

TabuClock ParseTabuClock(const std::string& name, std::string_view what) {
  return util::ParseEnum<TabuClock>(name, what, kClockNames);
}

std::string TabuAttributeName(TabuAttribute a) {
  return std::string(util::EnumName<TabuAttribute>(a, kAttributeNames));
}

TabuAttribute ParseTabuAttribute(const std::string& name, std::string_view what) {
  return util::ParseEnum<TabuAttribute>(name, what, kAttributeNames);
}

TabuNeighbourhood ParseTabuNeighbourhood(const std::string& name, std::string_view what) {
  return util::ParseEnum<TabuNeighbourhood>(name, what, kNeighbourhoodNames);
}

JsspSchedule ScheduleFromOrders(const JsspInstance& inst, const std::vector<std::vector<int>>& orders) {
  if (static_cast<int>(orders.size()) != inst.num_machines)
    throw Error("machine orders: wrong number of machines");
  JsspGraph g(inst, orders);
  if (!g.Evaluate())
    throw Error(fmt::format("{}: the machine orders form a cycle with the job orders", inst.name));
  return g.Schedule();
}

TabuResult TabuSearch(const JsspInstance& inst, const JsspSchedule& initial, const TabuOptions& opt) {
  if (!(opt.time_limit_s > 0))
    throw Error(fmt::format("the time limit must be > 0 s, got {}", opt.time_limit_s));
  if (opt.max_iterations == 0 || opt.max_iterations < -1) {
    throw Error(fmt::format("the iteration limit must be >= 1, got {}", opt.max_iterations));
  }
  if (opt.population < 0) throw Error(fmt::format("the population must be >= 0, got {}", opt.population));
  if (!(opt.tenure_min_factor > 0) || !(opt.tenure_max_factor >= opt.tenure_min_factor)) {
    throw Error(fmt::format("the tenure factors must satisfy 0 < min <= max, got {} and {}",
                            opt.tenure_min_factor, opt.tenure_max_factor));
  }
  if (opt.stall_iterations < 0)
    throw Error(fmt::format("the stall limit must be >= 0, got {}", opt.stall_iterations));
  ValidateJsspSchedule(inst, initial);
  return Search(inst, initial, opt).Run();
}

}  // namespace schedkit::graph
