#include "schedkit/graph/task_graph.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <queue>

#include "schedkit/util/error.h"

namespace schedkit::graph {

int TaskGraph::AddTask(std::string task_name) {
  task_names.push_back(std::move(task_name));
  succs.emplace_back();
  preds.emplace_back();
  return num_tasks() - 1;
}

void TaskGraph::AddEdge(int src, int dst, double volume) {
  const int n = num_tasks();
  if (src < 0 || src >= n || dst < 0 || dst >= n) {
    throw Error(fmt::format("edge {} -> {}: task id out of range 0..{}", src, dst, n - 1));
  }
  if (src == dst) throw Error(fmt::format("edge {} -> {}: a task cannot depend on itself", src, dst));
  for (const Arc& a : succs[src]) {
    if (a.task == dst) throw Error(fmt::format("edge {} -> {} is listed twice", src, dst));
  }
  if (!(volume >= 0.0) || !std::isfinite(volume)) {
    throw Error(fmt::format("edge {} -> {}: data volume must be finite and >= 0", src, dst));
  }
  succs[src].push_back({dst, volume});
  preds[dst].push_back({src, volume});
}

int TaskGraph::num_edges() const {
  int e = 0;
  for (const auto& s : succs) e += static_cast<int>(s.size());
  return e;
}

namespace {

// Finds a cycle among the tasks Kahn's algorithm could not order (each has an unordered predecessor).
std::string DescribeCycle(const TaskGraph& g, const std::vector<int>& indegree) {
  // Walk backwards along unordered predecessors until a task repeats: that closes a cycle.
  int start = -1;
  for (int t = 0; t < g.num_tasks(); ++t) {
    if (indegree[t] > 0) {
      start = t;
      break;
    }
  }
  std::vector<int> seen_at(g.num_tasks(), -1);
  std::vector<int> walk;
  int t = start;
  while (seen_at[t] < 0) {
    seen_at[t] = static_cast<int>(walk.size());
    walk.push_back(t);
    int next = -1;
    for (const Arc& a : g.preds[t]) {
      if (indegree[a.task] > 0) {
        next = a.task;
        break;
      }
    }
    t = next;
  }
  // walk[seen_at[t]..] is the cycle in reverse edge direction.
  std::vector<int> cycle(walk.begin() + seen_at[t], walk.end());
  std::reverse(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()),
              cycle.end());  // start at lowest id
  std::string text;
  for (int c : cycle) text += fmt::format("{}({}) -> ", g.task_names[c], c);
  text += fmt::format("{}({})", g.task_names[cycle.front()], cycle.front());
  return text;
}

}  // namespace

std::vector<int> TopologicalOrder(const TaskGraph& g) {
  const int n = g.num_tasks();
  std::vector<int> indegree(n);
  for (int t = 0; t < n; ++t) indegree[t] = static_cast<int>(g.preds[t].size());
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int t = 0; t < n; ++t) {
    if (indegree[t] == 0) ready.push(t);
  }
  std::vector<int> order;
  order.reserve(n);
  while (!ready.empty()) {
    const int t = ready.top();
    ready.pop();
    order.push_back(t);
    for (const Arc& a : g.succs[t]) {
      if (--indegree[a.task] == 0) ready.push(a.task);
    }
  }
  if (static_cast<int>(order.size()) != n) {
    throw Error(fmt::format("graph '{}' has a cycle: {}", g.name, DescribeCycle(g, indegree)));
  }
  return order;
}

double Problem::CommTime(double volume, int from, int to) const {
  if (volume == 0.0) return 0.0;
  const double t = volume / bandwidth[static_cast<size_t>(from) * proc_names.size() + to];
  return truncate_comm ? std::floor(t) : t;
}

void Problem::Check() const {
  const size_t n = static_cast<size_t>(num_tasks());
  const size_t q = proc_names.size();
  if (q == 0) throw Error("the platform has no processor");
  if (cost.size() != n * q) throw Error("cost matrix size does not match tasks x processors");
  if (bandwidth.size() != q * q) throw Error("bandwidth matrix size does not match processors x processors");
  for (size_t i = 0; i < q * q; ++i) {
    if (!(bandwidth[i] > 0.0)) {
      throw Error(
          fmt::format("bandwidth between {} and {} must be > 0", proc_names[i / q], proc_names[i % q]));
    }
  }
  for (size_t t = 0; t < n; ++t) {
    bool capable = false;
    for (size_t p = 0; p < q; ++p) {
      const double c = cost[t * q + p];
      if (std::isnan(c) || c < 0.0) {
        throw Error(
            fmt::format("task {}({}) has an invalid cost on {}", graph.task_names[t], t, proc_names[p]));
      }
      capable = capable || c != kCannotRun;
    }
    if (!capable) {
      throw Error(fmt::format("task {}({}) of '{}' cannot run on any processor (none lists '{}')",
                              graph.task_names[t], t, graph.name, graph.task_names[t]));
    }
  }
  TopologicalOrder(graph);
}

}  // namespace schedkit::graph
