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

  // Makespan estimate after swapping u and its machine successor v (exact for the paths through u, v).
  long long SwapEstimate(int u, int v) const {
    const int a = MachPred(u), b = MachSucc(v);
    const long long rv = std::max(End(JobPred(v)), End(a));
    const long long ru = std::max(End(JobPred(u)), rv + P(v));
    const long long qu = std::max(TailFrom(JobSucc(u)), TailFrom(b));
    const long long qv = std::max(TailFrom(JobSucc(v)), qu + P(u));
    return std::max(rv + P(v) + qv, ru + P(u) + qu);
  }

  void Swap(int u, int v) {  // u immediately before v on their machine
    auto& s = seq_[inst_.machine[u]];
    std::swap(s[pos_[u]], s[pos_[v]]);
    std::swap(pos_[u], pos_[v]);
  }

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
};

struct Move {
  int u, v;
};

// N5: in every critical block swap the first two and the last two operations, except the first two of
// the first block and the last two of the last block.
void N5Moves(const std::vector<std::vector<int>>& blocks, std::vector<Move>& moves) {
  moves.clear();
  const size_t k = blocks.size();
  for (size_t i = 0; i < k; ++i) {
    const auto& b = blocks[i];
    if (b.size() < 2) continue;
    if (i > 0) moves.push_back({b[0], b[1]});
    if (i + 1 < k && (b.size() > 2 || i == 0)) moves.push_back({b[b.size() - 2], b.back()});
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
  long long iter = 0, last_best = 0;
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
    N5Moves(g.CriticalBlocks(), moves);
    if (moves.empty()) {  // a single critical block: the makespan equals a machine's load, so it is optimal
      res.stopped_by = "no move (optimal)";
      break;
    }
    int pick = -1;
    long long pick_est = 0;
    for (size_t i = 0; i < moves.size(); ++i) {
      const long long est = g.SwapEstimate(moves[i].u, moves[i].v);
      const bool is_tabu = tabu_until[static_cast<size_t>(moves[i].v) * n + moves[i].u] > iter;
      if (is_tabu && est >= res.best.makespan)
        continue;  // aspiration: a tabu move that beats the best is allowed
      if (pick < 0 || est < pick_est) {
        pick = static_cast<int>(i);
        pick_est = est;
      }
    }
    if (pick < 0) pick = static_cast<int>(rng() % moves.size());  // every move tabu: take one at random
    const Move mv = moves[pick];
    g.Swap(mv.u, mv.v);
    tabu_until[static_cast<size_t>(mv.u) * n + mv.v] = iter + tenure(rng);  // forbid putting u back before v
    g.Evaluate();
    ++iter;
    if (iter - last_best > stall) {
      // Back to the best orders, then a short random walk on critical swaps to leave its basin.
      g.SetOrders(best_orders);
      g.Evaluate();
      const int kicks = 2 + static_cast<int>(rng() % 4);
      for (int k = 0; k < kicks; ++k) {
        N5Moves(g.CriticalBlocks(), moves);
        if (moves.empty()) break;
        const Move r = moves[rng() % moves.size()];
        g.Swap(r.u, r.v);
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
