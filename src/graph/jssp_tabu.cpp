#include "schedkit/graph/jssp_tabu.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "schedkit/util/error.h"

namespace schedkit::graph {

namespace {

// Machine orders as a disjunctive graph with heads (earliest starts) and tails (longest path after an
// operation ends) kept up to date after each move.
class DisjunctiveGraph {
 public:
  DisjunctiveGraph(const JsspInstance& inst, const std::vector<std::vector<int>>& orders)
      : inst_(inst),
        n_(inst.num_ops()),
        seq_(orders),
        pos_(n_),
        head_(n_),
        tail_(n_),
        order_(n_),
        indeg_(n_) {
    std::vector<int> seen(n_, 0);
    for (int m = 0; m < inst.num_machines; ++m) {
      for (size_t i = 0; i < seq_[m].size(); ++i) {
        const int o = seq_[m][i];
        if (o < 0 || o >= n_ || inst.machine[o] != m || seen[o]++) {
          throw Error(
              fmt::format("{}: machine {} order is not a permutation of its operations", inst.name, m));
        }
        pos_[o] = static_cast<int>(i);
      }
    }
    for (int o = 0; o < n_; ++o) {
      if (!seen[o])
        throw Error(fmt::format("{}: operation {} is missing from the machine orders", inst.name, o));
    }
  }

  int JobPred(int o) const { return inst_.IndexInJob(o) > 0 ? o - 1 : -1; }
  int JobSucc(int o) const { return inst_.IndexInJob(o) + 1 < inst_.num_machines ? o + 1 : -1; }
  int MachPred(int o) const { return pos_[o] > 0 ? seq_[inst_.machine[o]][pos_[o] - 1] : -1; }
  int MachSucc(int o) const {
    const auto& s = seq_[inst_.machine[o]];
    return pos_[o] + 1 < static_cast<int>(s.size()) ? s[pos_[o] + 1] : -1;
  }
  long long P(int o) const { return inst_.proc[o]; }
  long long End(int o) const { return o < 0 ? 0 : head_[o] + P(o); }
  long long TailFrom(int o) const { return o < 0 ? 0 : tail_[o] + P(o); }

  // Recomputes heads and tails; returns false if the orders have a cycle.
  bool Evaluate() {
    int filled = 0;
    for (int o = 0; o < n_; ++o) {
      indeg_[o] = (JobPred(o) >= 0) + (MachPred(o) >= 0);
      if (indeg_[o] == 0) order_[filled++] = o;
    }
    for (int i = 0; i < filled; ++i) {
      const int o = order_[i];
      head_[o] = std::max(End(JobPred(o)), End(MachPred(o)));
      for (int s : {JobSucc(o), MachSucc(o)}) {
        if (s >= 0 && --indeg_[s] == 0) order_[filled++] = s;
      }
    }
    if (filled != n_) return false;
    makespan_ = 0;
    for (int i = n_ - 1; i >= 0; --i) {
      const int o = order_[i];
      tail_[o] = std::max(TailFrom(JobSucc(o)), TailFrom(MachSucc(o)));
      makespan_ = std::max(makespan_, head_[o] + P(o) + tail_[o]);
    }
    return true;
  }
  long long makespan() const { return makespan_; }

  // One critical path, split into blocks of operations adjacent on a machine.
  std::vector<std::vector<int>> CriticalBlocks() const {
    int v = -1;
    for (int o = 0; o < n_; ++o) {
      if (head_[o] + P(o) == makespan_ && tail_[o] == 0) {
        v = o;
        break;
      }
    }
    std::vector<int> path;
    while (v >= 0) {
      path.push_back(v);
      const int mp = MachPred(v), jp = JobPred(v);
      if (mp >= 0 && End(mp) == head_[v]) {
        v = mp;
      } else if (jp >= 0 && End(jp) == head_[v]) {
        v = jp;
      } else {
        v = -1;
      }
    }
    std::reverse(path.begin(), path.end());
    std::vector<std::vector<int>> blocks;
    for (size_t i = 0; i < path.size(); ++i) {
      if (i > 0 && MachSucc(path[i - 1]) == path[i]) {
        blocks.back().push_back(path[i]);
      } else {
        blocks.push_back({path[i]});
      }
    }
    return blocks;
  }

  // Moves the operation at position `from` of machine `mach` to position `to` (the others shift).
  // Estimate of the makespan after the move: heads and tails of the shifted segment recomputed from the
  // unchanged job neighbours (Balas-Vazacopoulos); exact for the paths through the segment.
  long long MoveEstimate(int mach, int from, int to) const {
    const auto& s = seq_[mach];
    const int lo = std::min(from, to), hi = std::max(from, to);
    seg_.clear();
    for (int i = lo; i <= hi; ++i) seg_.push_back(s[i]);
    if (from < to) {
      std::rotate(seg_.begin(), seg_.begin() + 1, seg_.end());
    } else {
      std::rotate(seg_.begin(), seg_.end() - 1, seg_.end());
    }
    const int len = static_cast<int>(seg_.size());
    seg_head_.resize(len);
    long long prev_end = lo > 0 ? End(s[lo - 1]) : 0;
    for (int i = 0; i < len; ++i) {
      seg_head_[i] = std::max(End(JobPred(seg_[i])), prev_end);
      prev_end = seg_head_[i] + P(seg_[i]);
    }
    long long next_tail = hi + 1 < static_cast<int>(s.size()) ? TailFrom(s[hi + 1]) : 0;
    long long best = 0;
    for (int i = len - 1; i >= 0; --i) {
      const long long q = std::max(TailFrom(JobSucc(seg_[i])), next_tail);
      best = std::max(best, seg_head_[i] + P(seg_[i]) + q);
      next_tail = q + P(seg_[i]);
    }
    return best;
  }

  void ApplyMove(int mach, int from, int to) {
    auto& s = seq_[mach];
    if (from < to) {
      std::rotate(s.begin() + from, s.begin() + from + 1, s.begin() + to + 1);
    } else {
      std::rotate(s.begin() + to, s.begin() + from, s.begin() + from + 1);
    }
    for (int i = std::min(from, to); i <= std::max(from, to); ++i) pos_[s[i]] = i;
  }
  int Position(int o) const { return pos_[o]; }
  int MachineOf(int o) const { return inst_.machine[o]; }
  int At(int mach, int i) const { return seq_[mach][i]; }

  const std::vector<std::vector<int>>& orders() const { return seq_; }
  void SetOrders(const std::vector<std::vector<int>>& orders) {
    seq_ = orders;
    for (const auto& s : seq_) {
      for (size_t i = 0; i < s.size(); ++i) pos_[s[i]] = static_cast<int>(i);
    }
  }
  JsspSchedule Schedule() const {
    JsspSchedule s;
    s.start = head_;
    s.makespan = makespan_;
    return s;
  }

 private:
  const JsspInstance& inst_;
  int n_;
  std::vector<std::vector<int>> seq_;
  std::vector<int> pos_;
  std::vector<long long> head_, tail_;
  std::vector<int> order_, indeg_;
  long long makespan_ = 0;
  mutable std::vector<int> seg_;  // scratch for MoveEstimate
  mutable std::vector<long long> seg_head_;
};

// The operation at position `from` of machine `mach` moves to position `to`.
struct Move {
  int mach, from, to;
};

// N5: in every critical block swap the first two and the last two operations, except the first two of
// the first block and the last two of the last block.
void N5Moves(const DisjunctiveGraph& g, const std::vector<std::vector<int>>& blocks,
             std::vector<Move>& moves) {
  moves.clear();
  const size_t k = blocks.size();
  for (size_t i = 0; i < k; ++i) {
    const auto& b = blocks[i];
    if (b.size() < 2) continue;
    const int mach = g.MachineOf(b[0]), p0 = g.Position(b[0]), pl = g.Position(b.back());
    if (i > 0) moves.push_back({mach, p0, p0 + 1});
    if (i + 1 < k && (b.size() > 2 || i == 0)) moves.push_back({mach, pl - 1, pl});
  }
}

// N7 (Zhang et al. 2007): N5's swaps plus moving an inner operation of a block to the front or the back of
// the block, and moving the first or last operation into the block, each kept only when a sufficient
// condition guarantees no cycle: forward u past v needs tail(v) >= tail of u's job successor, backward v
// before u needs end(u) >= end of v's job predecessor.
void N7Moves(const DisjunctiveGraph& g, const std::vector<std::vector<int>>& blocks,
             std::vector<Move>& moves) {
  moves.clear();
  for (const auto& b : blocks) {
    const int len = static_cast<int>(b.size());
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

}  // namespace

JsspSchedule ScheduleFromOrders(const JsspInstance& inst, const std::vector<std::vector<int>>& orders) {
  if (static_cast<int>(orders.size()) != inst.num_machines)
    throw Error("machine orders: wrong number of machines");
  DisjunctiveGraph g(inst, orders);
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
  ValidateJsspSchedule(inst, initial);
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  DisjunctiveGraph g(inst, MachineOrders(inst, initial));
  g.Evaluate();
  TabuResult res;
  res.initial_makespan = g.makespan();
  res.best = g.Schedule();
  auto best_orders = g.orders();
  const long long lb = std::max(opt.lower_bound, inst.TrivialLowerBound());

  const int n = inst.num_ops();
  std::vector<long long> tabu_until(static_cast<size_t>(n) * n, 0);  // (a, b): "a right before b" is tabu
  std::mt19937_64 rng(opt.seed);
  const int base_tenure = 10 + inst.num_jobs / std::max(1, inst.num_machines);
  std::uniform_int_distribution<int> tenure(base_tenure, 2 * base_tenure);
  const long long stall = opt.stall_iterations > 0 ? opt.stall_iterations : 2000 + 10LL * n;

  std::vector<Move> moves;
  long long iter = 0;
  auto neighbours = [&](std::vector<Move>& out) {
    if (opt.neighbourhood == TabuNeighbourhood::kN5) {
      N5Moves(g, g.CriticalBlocks(), out);
    } else {
      N7Moves(g, g.CriticalBlocks(), out);
    }
  };
  // A move creates "x before op" for every x it jumps over; it is tabu if one of them was destroyed recently.
  auto is_tabu = [&](const Move& m) {
    const int op = g.At(m.mach, m.from);
    if (m.from < m.to) {
      for (int i = m.from + 1; i <= m.to; ++i) {
        if (tabu_until[static_cast<size_t>(g.At(m.mach, i)) * n + op] > iter) return true;
      }
    } else {
      for (int i = m.to; i < m.from; ++i) {
        if (tabu_until[static_cast<size_t>(op) * n + g.At(m.mach, i)] > iter) return true;
      }
    }
    return false;
  };
  auto set_tabu = [&](const Move& m, long long until) {  // forbid restoring the pairs the move reverses
    const int op = g.At(m.mach, m.from);
    if (m.from < m.to) {
      for (int i = m.from + 1; i <= m.to; ++i)
        tabu_until[static_cast<size_t>(op) * n + g.At(m.mach, i)] = until;
    } else {
      for (int i = m.to; i < m.from; ++i) tabu_until[static_cast<size_t>(g.At(m.mach, i)) * n + op] = until;
    }
  };
  long long last_best = 0;
  while (true) {
    if (g.makespan() < res.best.makespan) {
      res.best = g.Schedule();
      best_orders = g.orders();
      last_best = iter;
    }
    if (res.best.makespan <= lb) {
      res.stopped_by = "lower bound reached";
      break;
    }
    if (opt.max_iterations > 0 && iter >= opt.max_iterations) {
      res.stopped_by = "iteration limit";
      break;
    }
    if ((iter & 63) == 0 && elapsed() >= opt.time_limit_s) {
      res.stopped_by = "time limit";
      break;
    }
    neighbours(moves);
    if (moves.empty()) {  // a single critical block: the makespan equals a machine's load, so it is optimal
      res.stopped_by = "no move (optimal)";
      break;
    }
    int pick = -1;
    long long pick_est = 0;
    for (size_t i = 0; i < moves.size(); ++i) {
      const long long est = g.MoveEstimate(moves[i].mach, moves[i].from, moves[i].to);
      if (est >= res.best.makespan && is_tabu(moves[i]))
        continue;  // aspiration: beating the best lifts the tabu
      if (pick < 0 || est < pick_est) {
        pick = static_cast<int>(i);
        pick_est = est;
      }
    }
    if (pick < 0) pick = static_cast<int>(rng() % moves.size());  // every move tabu: take one at random
    const Move mv = moves[pick];
    set_tabu(mv, iter + tenure(rng));
    g.ApplyMove(mv.mach, mv.from, mv.to);
    if (!g.Evaluate()) {  // cannot happen for the moves generated; undo defensively
      g.ApplyMove(mv.mach, mv.to, mv.from);
      g.Evaluate();
    }
    ++iter;
    if (iter - last_best > stall) {
      // Back to the best orders, then a short random walk on critical swaps to leave its basin.
      g.SetOrders(best_orders);
      g.Evaluate();
      const int kicks = 2 + static_cast<int>(rng() % 4);
      for (int k = 0; k < kicks; ++k) {
        N5Moves(g, g.CriticalBlocks(), moves);
        if (moves.empty()) break;
        const Move r = moves[rng() % moves.size()];
        g.ApplyMove(r.mach, r.from, r.to);
        g.Evaluate();
      }
      last_best = iter;
      ++res.restarts;
    }
  }
  res.iterations = iter;
  res.seconds = elapsed();
  return res;
}

}  // namespace schedkit::graph
