// Static list schedulers for a DAG on heterogeneous processors: HEFT, CPOP (Topcuoglu et al. 2002),
// PEFT (Arabnejad & Barbosa 2014), MET and ETF. Tie rules are written down in docs/graph.md; in short,
// every "max/min priority" picks the lower task id and every "min over processors" the lower index.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schedkit/graph/dag_schedule.h"
#include "schedkit/graph/task_graph.h"

namespace schedkit::graph {

enum class DagAlgorithm { kHeft, kCpop, kPeft, kMet, kEtf };

// "heft", "cpop", "peft", "met", "etf"; throws schedkit::Error listing the valid names otherwise.
// heft, cpop, peft, met, etf; throws schedkit::Error naming `what` (a flag) and listing the valid names.
DagAlgorithm ParseDagAlgorithm(const std::string& name, std::string_view what = "DAG algorithm");
const char* DagAlgorithmName(DagAlgorithm a);

// Average computation cost over the processors that can run the task.
std::vector<double> MeanCosts(const Problem& p);
// Average communication cost of every edge, aligned with graph.succs[i]: the mean of CommTime over the
// ordered pairs (p, r), p != r, p able to run the source and r the destination (same-processor time if the
// two tasks share a single capable processor).
std::vector<std::vector<double>> MeanCommCosts(const Problem& p);

std::vector<double> UpwardRanks(const Problem& p);    // rank_u
std::vector<double> DownwardRanks(const Problem& p);  // rank_d
// OCT(i, p) (PEFT's optimistic cost table), row major n x q.
std::vector<double> OptimisticCostTable(const Problem& p);
std::vector<double> OctRanks(const Problem& p);  // mean of OCT(i, .) over processors able to run i

struct CpopInfo {
  std::vector<int> critical_path;  // task ids, entry to exit
  double length = 0.0;             // |CP| = priority(entry)
  int proc = -1;                   // p_CP (-1 when no processor can run the whole path)
};
CpopInfo CriticalPath(const Problem& p);

DagSchedule ScheduleHeft(const Problem& p);
DagSchedule ScheduleCpop(const Problem& p);
DagSchedule SchedulePeft(const Problem& p);
DagSchedule ScheduleMet(const Problem& p);
DagSchedule ScheduleEtf(const Problem& p);
DagSchedule ScheduleDag(const Problem& p, DagAlgorithm a);

}  // namespace schedkit::graph
