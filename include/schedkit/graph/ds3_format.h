// Readers for the DS3 (DASH-Sim) job and SoC files, their gym_ds3 (DeepSoCS/SoCRATES) variants, and the
// Standard Task Graph (STG) format. Every malformed line raises schedkit::Error naming file and line.
#pragma once

#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "schedkit/graph/task_graph.h"

namespace schedkit::graph {

// One application DAG (a DS3 "job"). Task names are the functionality keys of the SoC file.
struct Ds3Job {
  std::string source;  // file name, for messages
  TaskGraph graph;     // graph.name = job_name
  int head = -1;       // task marked HEAD (-1 if none)
  int tail = -1;       // task marked TAIL (-1 if none)
  std::vector<double> deadline;
};

Ds3Job ParseDs3Job(std::istream& in, const std::string& source);
Ds3Job ReadDs3Job(const std::string& path);

// One PE type ("cluster" in DS3) with `capacity` identical cores.
struct Ds3Cluster {
  std::string type;  // CPU, LTL, BIG, ACC_1, MEM, ...
  std::string name;
  int id = 0;
  int capacity = 1;
  std::string dvfs_mode;
  // Functionality -> execution time (us), in file order. A name listed twice keeps its first time, as
  // DS3's supported_functionalities.index() does.
  std::vector<std::pair<std::string, double>> functionalities;
  double ExecTime(const std::string& functionality) const;  // kCannotRun if not listed
  bool is_memory() const { return type == "MEM"; }
};

struct Ds3Soc {
  std::string source;
  std::vector<Ds3Cluster> clusters;
  // Expanded processing elements in DS3 order (cluster by cluster, capacity cores each), MEM included.
  std::vector<std::string> pe_names;  // "<cluster name>_<global index>", as DS3 names them
  std::vector<int> pe_cluster;        // index into clusters
  std::vector<double> pe_bandwidth;   // pe x pe, DS3 comm_band after expansion (default 1)

  int num_pes() const { return static_cast<int>(pe_names.size()); }
  double Bandwidth(int a, int b) const { return pe_bandwidth[static_cast<size_t>(a) * pe_names.size() + b]; }
};

// Accepts the DS3 keyword format (including the upstream `resoruce_type` misspelling) and the gym_ds3
// positional format. Bandwidth expansion: DS3 format -> a comm_band line sets every core pair of the two
// clusters, a core with itself gets comm_band_self (default 1); gym format -> the matrix entry as given.
Ds3Soc ParseDs3Soc(std::istream& in, const std::string& source);
Ds3Soc ReadDs3Soc(const std::string& path);

// The static problem of one job on one SoC: processors are the non-memory PEs, w(i,p) is the listed
// execution time (kCannotRun where the PE type does not list the task), communication is DS3's PE-to-PE
// int(comm_vol / comm_band). Throws if a task can run nowhere.
Problem MakeProblem(const Ds3Job& job, const Ds3Soc& soc);

// STG (Kasahara): first line N, then N+2 lines `id cost n_preds preds...` (tasks 0 and N+1 are dummies).
// The problem has `num_procs` identical processors that run everything, and no communication cost.
Problem ParseStg(std::istream& in, const std::string& source, int num_procs);
Problem ReadStg(const std::string& path, int num_procs);

}  // namespace schedkit::graph
