// Machine orders of a job shop as a disjunctive graph with heads (earliest starts), tails (longest path after
// an operation ends) and a topological order, kept up to date incrementally after each move: the topological
// order is repaired for the one arc a shift move inverts (Pearce & Kelly 2006), then heads and tails are
// recomputed only for the operations whose value can change (those reachable from / reaching the shifted
// segment), scanning the topological order between the first and the last of them.
#pragma once

#include <cstdint>
#include <vector>

#include "schedkit/graph/jssp_instance.h"

namespace schedkit::graph {

class JsspGraph {
 public:
  // Throws schedkit::Error if `orders` is not one permutation of its operations per machine.
  JsspGraph(const JsspInstance& inst, const std::vector<std::vector<int>>& orders);

  // Replaces the machine orders (same checks as the constructor) and recomputes everything; returns false
  // (and leaves heads/tails unspecified) when the orders form a cycle with the job orders.
  bool SetOrders(const std::vector<std::vector<int>>& orders);
  // Full O(nm) recomputation of the topological order, heads and tails; false on a cycle.
  bool Evaluate();
  // Moves the operation at position `from` of machine `mach` to position `to` (the others shift) and updates
  // heads, tails and the makespan incrementally. Returns false and leaves the graph unchanged when the move
  // would create a cycle.
  bool Move(int mach, int from, int to);
  // Estimate of the makespan after Move(mach, from, to) (Balas & Vazacopoulos): heads and tails of the
  // shifted segment recomputed from their unchanged job neighbours; exact for every path through the segment.
  int64_t MoveEstimate(int mach, int from, int to) const;

  // One critical path, first operation first (ties prefer the machine predecessor, so blocks are long).
  void CriticalPath(std::vector<int>& path) const;

  int64_t makespan() const { return makespan_; }
  int64_t Head(int o) const { return head_[o]; }
  int64_t Tail(int o) const { return tail_[o]; }
  int64_t P(int o) const { return proc_[o]; }
  int64_t End(int o) const { return o < 0 ? 0 : head_[o] + proc_[o]; }
  int64_t TailFrom(int o) const { return o < 0 ? 0 : tail_[o] + proc_[o]; }  // tail including o itself
  int JobPred(int o) const { return jpred_[o]; }
  int JobSucc(int o) const { return jsucc_[o]; }
  int MachPred(int o) const { return mpred_[o]; }
  int MachSucc(int o) const { return msucc_[o]; }
  int MachineOf(int o) const { return mach_[o]; }
  int Position(int o) const { return pos_[o]; }
  int At(int mach, int i) const { return seq_[mach][i]; }
  int num_ops() const { return n_; }
  const std::vector<std::vector<int>>& orders() const { return seq_; }
  JsspSchedule Schedule() const;  // the semi-active schedule (heads as start times)

 private:
  void LinkMachine(int mach, int lo, int hi);  // mpred/msucc of positions lo..hi and their neighbours
  bool RepairOrder(int x, int y);              // after adding arc x -> y; false if it closes a cycle
  void UpdateHeads(int mach, int lo, int hi);
  void UpdateTails(int mach, int lo, int hi);
  void UpdateMakespan();
  int NextStamp();  // a fresh value for mark_

  int n_, num_machines_;
  std::vector<int> mach_, jpred_, jsucc_, last_of_job_;
  std::vector<int64_t> proc_;
  std::vector<std::vector<int>> seq_;
  std::vector<int> pos_, mpred_, msucc_;
  std::vector<int> topo_, tpos_;
  std::vector<int64_t> head_, tail_;
  int64_t makespan_ = 0;
  int sink_ = -1;  // an operation that ends at the makespan
  // Scratch.
  std::vector<int> indeg_, mark_, stack_, fwd_, bwd_, slots_;
  int stamp_ = 0;
  mutable std::vector<int> seg_;
  mutable std::vector<int64_t> seg_head_;
};

}  // namespace schedkit::graph
