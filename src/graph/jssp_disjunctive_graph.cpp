#include "schedkit/graph/jssp_disjunctive_graph.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>

#include "schedkit/util/error.h"

namespace schedkit::graph {

JsspGraph::JsspGraph(const JsspInstance& inst, const std::vector<std::vector<int>>& orders)
    : n_(inst.num_ops()),
      num_machines_(inst.num_machines),
      mach_(inst.machine),
      jpred_(n_),
      jsucc_(n_),
      proc_(inst.proc.begin(), inst.proc.end()),
      pos_(n_),
      mpred_(n_),
      msucc_(n_),
      topo_(n_),
      tpos_(n_),
      head_(n_),
      tail_(n_),
      indeg_(n_),
      mark_(n_, 0) {
  for (int o = 0; o < n_; ++o) {
    jpred_[o] = inst.IndexInJob(o) > 0 ? o - 1 : -1;
    jsucc_[o] = inst.IndexInJob(o) + 1 < inst.num_machines ? o + 1 : -1;
    if (jsucc_[o] < 0) last_of_job_.push_back(o);
  }
  if (static_cast<int>(orders.size()) != num_machines_) {
    throw Error(fmt::format("{}: machine orders for {} machines, the instance has {}", inst.name,
                            orders.size(), num_machines_));
  }
  std::vector<int> seen(n_, 0);
  for (int m = 0; m < num_machines_; ++m) {
    for (int o : orders[m]) {
      if (o < 0 || o >= n_ || mach_[o] != m || seen[o]++) {
        throw Error(fmt::format("{}: machine {} order is not a permutation of its operations", inst.name, m));
      }
    }
  }
  for (int o = 0; o < n_; ++o) {
    if (!seen[o])
      throw Error(fmt::format("{}: operation {} is missing from the machine orders", inst.name, o));
  }
  seq_ = orders;
  for (int m = 0; m < num_machines_; ++m) LinkMachine(m, 0, static_cast<int>(seq_[m].size()) - 1);
}

bool JsspGraph::SetOrders(const std::vector<std::vector<int>>& orders) {
  seq_ = orders;
  for (int m = 0; m < num_machines_; ++m) LinkMachine(m, 0, static_cast<int>(seq_[m].size()) - 1);
  return Evaluate();
}

void JsspGraph::LinkMachine(int mach, int lo, int hi) {
  const auto& s = seq_[mach];
  const int len = static_cast<int>(s.size());
  for (int i = std::max(lo - 1, 0); i <= std::min(hi + 1, len - 1); ++i) {
    pos_[s[i]] = i;
    mpred_[s[i]] = i > 0 ? s[i - 1] : -1;
    msucc_[s[i]] = i + 1 < len ? s[i + 1] : -1;
  }
}

bool JsspGraph::Evaluate() {
  int filled = 0;
  for (int o = 0; o < n_; ++o) {
    indeg_[o] = (jpred_[o] >= 0) + (mpred_[o] >= 0);
    if (indeg_[o] == 0) topo_[filled++] = o;
  }
  for (int i = 0; i < filled; ++i) {
    const int o = topo_[i];
    tpos_[o] = i;
    head_[o] = std::max(End(jpred_[o]), End(mpred_[o]));
    for (int s : {jsucc_[o], msucc_[o]}) {
      if (s >= 0 && --indeg_[s] == 0) topo_[filled++] = s;
    }
  }
  if (filled != n_) return false;
  for (int i = n_ - 1; i >= 0; --i) {
    const int o = topo_[i];
    tail_[o] = std::max(TailFrom(jsucc_[o]), TailFrom(msucc_[o]));
  }
  UpdateMakespan();
  return true;
}

void JsspGraph::UpdateMakespan() {
  makespan_ = -1;
  for (int o : last_of_job_) {  // every operation ends no later than its job's last one
    if (End(o) > makespan_) {
      makespan_ = End(o);
      sink_ = o;
    }
  }
}

int JsspGraph::NextStamp() {
  if (stamp_ >= (1 << 30)) {
    std::fill(mark_.begin(), mark_.end(), 0);
    stamp_ = 0;
  }
  return ++stamp_;
}

bool JsspGraph::RepairOrder(int x, int y) {
  if (tpos_[x] < tpos_[y]) return true;
  const int lb = tpos_[y], ub = tpos_[x];
  // Forward from y inside the window (a path back to x would close a cycle), backward from x.
  const int sf = NextStamp();
  fwd_.clear();
  stack_.assign(1, y);
  mark_[y] = sf;
  while (!stack_.empty()) {
    const int o = stack_.back();
    stack_.pop_back();
    fwd_.push_back(o);
    for (int s : {jsucc_[o], msucc_[o]}) {
      if (s < 0) continue;
      if (s == x) return false;
      if (mark_[s] != sf && tpos_[s] < ub) {
        mark_[s] = sf;
        stack_.push_back(s);
      }
    }
  }
  const int sb = NextStamp();
  bwd_.clear();
  stack_.assign(1, x);
  mark_[x] = sb;
  while (!stack_.empty()) {
    const int o = stack_.back();
    stack_.pop_back();
    bwd_.push_back(o);
    for (int p : {jpred_[o], mpred_[o]}) {
      if (p >= 0 && mark_[p] != sb && tpos_[p] > lb) {
        mark_[p] = sb;
        stack_.push_back(p);
      }
    }
  }
  // The nodes reaching x now go first, then the nodes reachable from y, each set in its old relative order,
  // in the slots the two sets occupied.
  auto by_pos = [&](int a, int b) { return tpos_[a] < tpos_[b]; };
  std::sort(fwd_.begin(), fwd_.end(), by_pos);
  std::sort(bwd_.begin(), bwd_.end(), by_pos);
  slots_.clear();
  std::merge(bwd_.begin(), bwd_.end(), fwd_.begin(), fwd_.end(), std::back_inserter(slots_), by_pos);
  for (int& s : slots_) s = tpos_[s];
  size_t k = 0;
  for (int o : bwd_) topo_[slots_[k++]] = o;
  for (int o : fwd_) topo_[slots_[k++]] = o;
  for (int i : slots_) tpos_[topo_[i]] = i;
  return true;
}

void JsspGraph::UpdateHeads(int mach, int lo, int hi) {
  const auto& s = seq_[mach];
  const int st = NextStamp();
  int pending = 0, start = n_;
  auto mark = [&](int o) {
    if (o >= 0 && mark_[o] != st) {
      mark_[o] = st;
      ++pending;
      start = std::min(start, tpos_[o]);
    }
  };
  for (int i = lo; i <= hi; ++i) mark(s[i]);  // their machine predecessor may have changed
  if (hi + 1 < static_cast<int>(s.size())) mark(s[hi + 1]);
  for (int i = start; pending > 0; ++i) {
    const int o = topo_[i];
    if (mark_[o] != st) continue;
    --pending;
    const int64_t h = std::max(End(jpred_[o]), End(mpred_[o]));
    if (h != head_[o]) {
      head_[o] = h;
      mark(jsucc_[o]);
      mark(msucc_[o]);
    }
  }
}

void JsspGraph::UpdateTails(int mach, int lo, int hi) {
  const auto& s = seq_[mach];
  const int st = NextStamp();
  int pending = 0, start = -1;
  auto mark = [&](int o) {
    if (o >= 0 && mark_[o] != st) {
      mark_[o] = st;
      ++pending;
      start = std::max(start, tpos_[o]);
    }
  };
  for (int i = lo; i <= hi; ++i) mark(s[i]);  // their machine successor may have changed
  if (lo > 0) mark(s[lo - 1]);
  for (int i = start; pending > 0; --i) {
    const int o = topo_[i];
    if (mark_[o] != st) continue;
    --pending;
    const int64_t t = std::max(TailFrom(jsucc_[o]), TailFrom(msucc_[o]));
    if (t != tail_[o]) {
      tail_[o] = t;
      mark(jpred_[o]);
      mark(mpred_[o]);
    }
  }
}

bool JsspGraph::Move(int mach, int from, int to) {
  if (from == to) return true;
  auto& s = seq_[mach];
  const int lo = std::min(from, to), hi = std::max(from, to);
  const int op = s[from];
  if (from < to) {
    std::rotate(s.begin() + from, s.begin() + from + 1, s.begin() + to + 1);
  } else {
    std::rotate(s.begin() + to, s.begin() + from, s.begin() + from + 1);
  }
  LinkMachine(mach, lo, hi);
  // The one new arc that can contradict the old topological order.
  const bool ok = from < to ? RepairOrder(s[to - 1], op) : RepairOrder(op, s[to + 1]);
  if (!ok) {
    if (from < to) {
      std::rotate(s.begin() + from, s.begin() + to, s.begin() + to + 1);
    } else {
      std::rotate(s.begin() + to, s.begin() + to + 1, s.begin() + from + 1);
    }
    LinkMachine(mach, lo, hi);
    return false;
  }
  UpdateHeads(mach, lo, hi);
  UpdateTails(mach, lo, hi);
  UpdateMakespan();
  return true;
}

int64_t JsspGraph::MoveEstimate(int mach, int from, int to) const {
  const auto& s = seq_[mach];
  const int lo = std::min(from, to), hi = std::max(from, to);
  seg_.assign(s.begin() + lo, s.begin() + hi + 1);
  if (from < to) {
    std::rotate(seg_.begin(), seg_.begin() + 1, seg_.end());
  } else {
    std::rotate(seg_.begin(), seg_.end() - 1, seg_.end());
  }
  const int len = static_cast<int>(seg_.size());
  seg_head_.resize(len);
  int64_t prev_end = lo > 0 ? End(s[lo - 1]) : 0;
  for (int i = 0; i < len; ++i) {
    seg_head_[i] = std::max(End(jpred_[seg_[i]]), prev_end);
    prev_end = seg_head_[i] + proc_[seg_[i]];
  }
  int64_t next_tail = hi + 1 < static_cast<int>(s.size()) ? TailFrom(s[hi + 1]) : 0;
  int64_t best = 0;
  for (int i = len - 1; i >= 0; --i) {
    const int64_t q = std::max(TailFrom(jsucc_[seg_[i]]), next_tail);
    best = std::max(best, seg_head_[i] + proc_[seg_[i]] + q);
    next_tail = q + proc_[seg_[i]];
  }
  return best;
}

void JsspGraph::CriticalPath(std::vector<int>& path) const {
  path.clear();
  int v = sink_;
  while (v >= 0) {
    path.push_back(v);
    const int mp = mpred_[v], jp = jpred_[v];
    if (mp >= 0 && End(mp) == head_[v]) {
      v = mp;
    } else if (jp >= 0 && End(jp) == head_[v]) {
      v = jp;
    } else {
      v = -1;
    }
  }
  std::reverse(path.begin(), path.end());
}

JsspSchedule JsspGraph::Schedule() const {
  JsspSchedule s;
  s.start = head_;
  s.makespan = makespan_;
  return s;
}

}  // namespace schedkit::graph
