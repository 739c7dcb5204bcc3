#include "schedkit/graph/ds3_format.h"

#include <fmt/core.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>

#include "schedkit/graph/text_lines.h"
#include "schedkit/util/error.h"

namespace schedkit::graph {

namespace {

bool IsComment(const std::vector<std::string_view>& w) {
  return w.empty() || w[0].find('#') != std::string_view::npos;
}

struct PendingTask {
  std::vector<int> preds;
  int line = 0;
};

}  // namespace

Ds3Job ParseDs3Job(std::istream& in, const std::string& source) {
  LineReader r(in, source);
  Ds3Job job;
  job.source = source;
  std::vector<PendingTask> pending;
  int64_t declared = -1;
  struct Vol {
    int src, dst;
    double volume;
    int line;
  };
  std::vector<Vol> volumes;
  std::string line;
  while (r.Next(line)) {
    const auto w = SplitWords(line);
    if (IsComment(w)) continue;
    if (w[0] == "job_name") {
      if (w.size() != 2) r.Fail("expected 'job_name <name>'");
      job.graph.name = std::string(w[1]);
    } else if (w[0] == "add_new_tasks") {
      if (w.size() != 2) r.Fail("expected 'add_new_tasks <count>'");
      if (declared >= 0) r.Fail("add_new_tasks given twice");
      declared = r.Int(w[1], "task count");
      if (declared <= 0) r.Fail("the task count must be > 0");
    } else if (w[0] == "comm_vol") {
      if (w.size() != 4) r.Fail("expected 'comm_vol <src_id> <dst_id> <volume>'");
      Vol v{r.Int32(w[1], "source task id"), r.Int32(w[2], "destination task id"), r.Number(w[3], "volume"),
            r.line_number()};
      if (v.volume < 0) r.Fail("the volume must be >= 0");
      volumes.push_back(v);
    } else {
      if (declared < 0) r.Fail(fmt::format("unknown keyword '{}' before add_new_tasks", w[0]));
      if (w.size() >= 2 && (w[1] == "HEAD" || w[1] == "TAIL")) {
        const int last = job.graph.num_tasks() - 1;
        if (last < 0 || job.graph.task_names[last] != w[0]) {
          r.Fail(fmt::format("'{} {}' must follow the line that defines task '{}'", w[0], w[1], w[0]));
        }
        (w[1] == "HEAD" ? job.head : job.tail) = last;
        continue;
      }
      if (w.size() >= 2 && w[1] == "earliest_start") {
        const int last = job.graph.num_tasks() - 1;
        if (last < 0 || job.graph.task_names[last] != w[0]) {
          r.Fail(fmt::format("the attributes of '{}' must follow the line that defines it", w[0]));
        }
        // earliest_start E deadline D [input_vol I output_vol O]
        if (w.size() != 5 && w.size() != 9)
          r.Fail("expected '<task> earliest_start E deadline D [input_vol I output_vol O]'");
        r.Number(w[2], "earliest_start");
        if (w[3] != "deadline") r.Fail(fmt::format("expected 'deadline', found '{}'", w[3]));
        job.deadline[last] = r.Number(w[4], "deadline");
        continue;
      }
      // <task_name> <task_id> [pred ...]
      if (w.size() < 2)
        r.Fail(fmt::format("expected '<task_name> <task_id> [predecessor ids]', found '{}'", line));
      const int64_t id = r.Int(w[1], "task id");
      if (id != job.graph.num_tasks()) {
        r.Fail(fmt::format("task ids must be 0..{} in order; expected {}, found {}", declared - 1,
                           job.graph.num_tasks(), id));
      }
      if (id >= declared) r.Fail(fmt::format("more tasks than the {} declared by add_new_tasks", declared));
      job.graph.AddTask(std::string(w[0]));
      job.deadline.push_back(0.0);
      PendingTask t;
      t.line = r.line_number();
      for (size_t i = 2; i < w.size(); ++i) {
        const int64_t p = r.Int(w[i], "predecessor id");
        if (p < 0 || p >= declared)
          r.Fail(fmt::format("predecessor id {} out of range 0..{}", p, declared - 1));
        t.preds.push_back(static_cast<int>(p));
      }
      pending.push_back(std::move(t));
    }
  }
  if (declared < 0) throw Error(fmt::format("{}: no add_new_tasks line", source));
  if (job.graph.num_tasks() != declared) {
    throw Error(fmt::format("{}: add_new_tasks declares {} tasks but {} are defined", source, declared,
                            job.graph.num_tasks()));
  }
  for (int t = 0; t < job.graph.num_tasks(); ++t) {
    for (int p : pending[t].preds) {
      try {
        job.graph.AddEdge(p, t, 0.0);
      } catch (const Error& e) {
        throw Error(fmt::format("{}:{}: {}", source, pending[t].line, e.what()));
      }
    }
  }
  for (const Vol& v : volumes) {
    bool found = false;
    if (v.src >= 0 && v.src < job.graph.num_tasks() && v.dst >= 0 && v.dst < job.graph.num_tasks()) {
      for (Arc& a : job.graph.succs[v.src]) {
        if (a.task == v.dst) {
          a.volume = v.volume;
          found = true;
        }
      }
      for (Arc& a : job.graph.preds[v.dst]) {
        if (a.task == v.src) a.volume = v.volume;
      }
    }
    if (!found) throw Error(fmt::format("{}:{}: comm_vol {} {}: no such edge", source, v.line, v.src, v.dst));
  }
  try {
    TopologicalOrder(job.graph);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
  return job;
}

Ds3Job ReadDs3Job(const std::string& path) {
  auto in = OpenInput(path);
  return ParseDs3Job(in, path);
}

double Ds3Cluster::ExecTime(const std::string& functionality) const {
  for (const auto& [name, time] : functionalities) {
    if (name == functionality) return time;
  }
  return kCannotRun;
}

namespace {

bool IsResourceAttribute(std::string_view w) {
  return w == "opp" || w == "trip_freq" || w == "DTPM_trip_freq" || w == "power_profile" ||
         w == "PG_profile" || w == "mesh_information";
}

// add_new_resource in either format; returns the declared number of functionalities.
int64_t ParseResourceHeader(const LineReader& r, const std::vector<std::string_view>& w, Ds3Cluster& c,
                            bool& keyword_format) {
  if (w.size() >= 2 && (w[1] == "resource_type" || w[1] == "resoruce_type")) {
    keyword_format = true;
    if (w.size() % 2 == 0) r.Fail("add_new_resource: expected '<keyword> <value>' pairs");
    std::map<std::string, std::string, std::less<>> kv;
    for (size_t i = 1; i + 1 < w.size(); i += 2) {
      std::string key(w[i]);
      if (key == "resoruce_type") key = "resource_type";  // upstream typo in SoC.Top.txt
      kv[key] = std::string(w[i + 1]);
    }
    for (const char* need :
         {"resource_type", "resource_name", "resource_ID", "capacity", "num_supported_functionalities"}) {
      if (!kv.count(need)) r.Fail(fmt::format("add_new_resource: missing '{}'", need));
    }
    c.type = kv["resource_type"];
    c.name = kv["resource_name"];
    c.id = r.Int32(kv["resource_ID"], "resource_ID");
    c.capacity = r.Int32(kv["capacity"], "capacity");
    c.dvfs_mode = kv.count("DVFS_mode") ? kv["DVFS_mode"] : "";
    return r.Int(kv["num_supported_functionalities"], "num_supported_functionalities");
  }
  // gym_ds3: add_new_resource <type> <name> <id> <capacity> <num_func> <DVFS>
  if (w.size() != 7) {
    r.Fail(
        "add_new_resource: expected the DS3 keyword form or '<type> <name> <id> <capacity> <num_func> "
        "<DVFS>'");
  }
  keyword_format = false;
  c.type = std::string(w[1]);
  c.name = std::string(w[2]);
  c.id = r.Int32(w[3], "resource id");
  c.capacity = r.Int32(w[4], "capacity");
  c.dvfs_mode = std::string(w[6]);
  return r.Int(w[5], "number of functionalities");
}

}  // namespace

Ds3Soc ParseDs3Soc(std::istream& in, const std::string& source) {
  LineReader r(in, source);
  Ds3Soc soc;
  soc.source = source;
  struct Band {
    int a, b;
    double value;
    std::optional<double> self;  // DS3 format: comm_band_self in force when the line was read
    int line;
  };
  std::vector<Band> bands;
  bool keyword_format = true;
  double comm_band_self = 1.0;  // DS3 default
  int64_t remaining = 0;        // functionality lines still expected for the current resource
  std::string line;
  while (r.Next(line)) {
    const auto w = SplitWords(line);
    if (IsComment(w)) continue;
    if (remaining > 0) {
      if (IsResourceAttribute(w[0])) continue;
      if (w.size() < 2 || w.size() > 3) r.Fail("expected '<functionality> <exec_time_us> [power]'");
      const double t = r.Number(w[1], "execution time");
      if (t < 0) r.Fail("the execution time must be >= 0");
      if (w.size() == 3) r.Number(w[2], "second value");
      soc.clusters.back().functionalities.emplace_back(std::string(w[0]), t);
      --remaining;
      continue;
    }
    if (w[0] == "add_new_resource") {
      Ds3Cluster c;
      remaining = ParseResourceHeader(r, w, c, keyword_format);
      if (remaining <= 0) r.Fail("the number of functionalities must be > 0");
      if (c.capacity < 1) r.Fail("capacity must be >= 1");
      for (const auto& other : soc.clusters) {
        if (other.id == c.id) r.Fail(fmt::format("resource id {} is used twice", c.id));
      }
      soc.clusters.push_back(std::move(c));
    } else if (w[0] == "comm_band_self") {
      if (w.size() != 2) r.Fail("expected 'comm_band_self <bandwidth>'");
      comm_band_self = r.Number(w[1], "bandwidth");
    } else if (w[0] == "comm_band") {
      if (w.size() != 4) r.Fail("expected 'comm_band <src_id> <dst_id> <bandwidth>'");
      Band b{r.Int32(w[1], "resource id"), r.Int32(w[2], "resource id"), r.Number(w[3], "bandwidth"),
             std::nullopt, r.line_number()};
      if (keyword_format) b.self = comm_band_self;
      bands.push_back(b);
    } else if (IsResourceAttribute(w[0])) {
      r.Fail(fmt::format("'{}' outside a resource block", w[0]));
    } else {
      r.Fail(
          fmt::format("unknown keyword '{}' (expected add_new_resource, comm_band_self or comm_band)", w[0]));
    }
  }
  if (remaining > 0) {
    throw Error(fmt::format("{}: resource '{}' declares more functionalities than it lists", source,
                            soc.clusters.back().name));
  }
  if (soc.clusters.empty()) throw Error(fmt::format("{}: no add_new_resource line", source));

  std::vector<int> first_pe;
  for (size_t ci = 0; ci < soc.clusters.size(); ++ci) {
    first_pe.push_back(soc.num_pes());
    for (int k = 0; k < soc.clusters[ci].capacity; ++k) {
      soc.pe_names.push_back(fmt::format("{}_{}", soc.clusters[ci].name, soc.num_pes()));
      soc.pe_cluster.push_back(static_cast<int>(ci));
    }
  }
  const size_t n = soc.pe_names.size();
  soc.pe_bandwidth.assign(n * n, 1.0);
  auto cluster_index = [&](int id, int line) {
    for (size_t ci = 0; ci < soc.clusters.size(); ++ci) {
      if (soc.clusters[ci].id == id) return static_cast<int>(ci);
    }
    throw Error(fmt::format("{}:{}: comm_band names resource id {}, which is not defined", source, line, id));
  };
  for (const Band& b : bands) {
    const int ca = cluster_index(b.a, b.line), cb = cluster_index(b.b, b.line);
    for (int i = 0; i < soc.clusters[ca].capacity; ++i) {
      for (int j = 0; j < soc.clusters[cb].capacity; ++j) {
        const size_t pa = first_pe[ca] + i, pb = first_pe[cb] + j;
        const double v = (pa == pb && b.self) ? *b.self : b.value;
        soc.pe_bandwidth[pa * n + pb] = v;
        soc.pe_bandwidth[pb * n + pa] = v;
      }
    }
  }
  return soc;
}

Ds3Soc ReadDs3Soc(const std::string& path) {
  auto in = OpenInput(path);
  return ParseDs3Soc(in, path);
}

Problem MakeProblem(const Ds3Job& job, const Ds3Soc& soc) {
  Problem p;
  p.graph = job.graph;
  std::vector<int> pes;
  for (int pe = 0; pe < soc.num_pes(); ++pe) {
    if (!soc.clusters[soc.pe_cluster[pe]].is_memory()) pes.push_back(pe);
  }
  for (int pe : pes) p.proc_names.push_back(soc.pe_names[pe]);
  const size_t q = pes.size();
  p.cost.assign(static_cast<size_t>(p.num_tasks()) * q, kCannotRun);
  for (int t = 0; t < p.num_tasks(); ++t) {
    for (size_t k = 0; k < q; ++k) {
      p.cost[t * q + k] = soc.clusters[soc.pe_cluster[pes[k]]].ExecTime(job.graph.task_names[t]);
    }
  }
  p.bandwidth.resize(q * q);
  for (size_t a = 0; a < q; ++a) {
    for (size_t b = 0; b < q; ++b) p.bandwidth[a * q + b] = soc.Bandwidth(pes[a], pes[b]);
  }
  p.truncate_comm = true;
  try {
    p.Check();
  } catch (const Error& e) {
    throw Error(fmt::format("{} on {}: {}", job.source, soc.source, e.what()));
  }
  return p;
}

Problem ParseStg(std::istream& in, const std::string& source, int num_procs) {
  if (num_procs < 1)
    throw Error(fmt::format("STG: the number of processors must be >= 1, got {}", num_procs));
  LineReader r(in, source);
  std::string line;
  std::vector<std::string_view> w;
  auto next_data = [&]() {
    while (r.Next(line)) {
      w = SplitWords(line);
      if (!w.empty() && w[0][0] != '#') return true;
    }
    return false;
  };
  if (!next_data()) throw Error(fmt::format("{}: empty file", source));
  if (w.size() != 1) r.Fail("expected the number of tasks alone on the first line");
  const int64_t n = r.Int(w[0], "task count");
  // Task ids (0..n+1, with the two dummy tasks) are int.
  if (n < 0 || n > std::numeric_limits<int32_t>::max() - 2) {
    r.Fail(fmt::format("the task count must be in [0, {}]", std::numeric_limits<int32_t>::max() - 2));
  }
  Problem p;
  p.graph.name = source;
  std::vector<std::vector<int>> preds(n + 2);
  std::vector<double> costs(n + 2);
  std::vector<int> lines(n + 2);
  for (int64_t t = 0; t < n + 2; ++t) {
    if (!next_data()) throw Error(fmt::format("{}: expected {} task lines, found {}", source, n + 2, t));
    if (w.size() < 3) r.Fail("expected '<id> <cost> <n_preds> <pred ids...>'");
    if (r.Int(w[0], "task id") != t) r.Fail(fmt::format("expected task id {}", t));
    costs[t] = r.Number(w[1], "processing time");
    if (costs[t] < 0) r.Fail("the processing time must be >= 0");
    const int64_t np = r.Int(w[2], "predecessor count");
    if (np < 0 || static_cast<size_t>(np) + 3 != w.size()) {
      r.Fail(
          fmt::format("the line lists {} predecessors but says {}", static_cast<int64_t>(w.size()) - 3, np));
    }
    for (size_t i = 3; i < w.size(); ++i) {
      const int64_t pr = r.Int(w[i], "predecessor id");
      if (pr < 0 || pr >= n + 2) r.Fail(fmt::format("predecessor id {} out of range 0..{}", pr, n + 1));
      preds[t].push_back(static_cast<int>(pr));
    }
    lines[t] = r.line_number();
    p.graph.AddTask(fmt::format("t{}", t));
  }
  for (int64_t t = 0; t < n + 2; ++t) {
    for (int pr : preds[t]) {
      try {
        p.graph.AddEdge(pr, static_cast<int>(t), 0.0);
      } catch (const Error& e) {
        throw Error(fmt::format("{}:{}: {}", source, lines[t], e.what()));
      }
    }
  }
  for (int k = 0; k < num_procs; ++k) p.proc_names.push_back(fmt::format("P{}", k));
  p.cost.resize(static_cast<size_t>(n + 2) * num_procs);
  for (int64_t t = 0; t < n + 2; ++t) {
    for (int k = 0; k < num_procs; ++k) p.cost[t * num_procs + k] = costs[t];
  }
  p.bandwidth.assign(static_cast<size_t>(num_procs) * num_procs, 1.0);
  try {
    p.Check();
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
  return p;
}

Problem ReadStg(const std::string& path, int num_procs) {
  auto in = OpenInput(path);
  return ParseStg(in, path, num_procs);
}

}  // namespace schedkit::graph
