#include "schedkit/graph/jssp_instance.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <sstream>

#include "schedkit/graph/text_lines.h"
#include "schedkit/util/error.h"

namespace schedkit::graph {

namespace {
// Operation indices are int; makespans are int64_t sums of int32_t times over at most this many operations.
constexpr int64_t kMaxOperations = 10'000'000;
constexpr int64_t kMaxProcessingTime = std::numeric_limits<int32_t>::max();
}  // namespace

int64_t JsspInstance::TrivialLowerBound() const {
  int64_t best = 0;
  std::vector<int64_t> load(num_machines, 0);
  for (int j = 0; j < num_jobs; ++j) {
    int64_t len = 0;
    for (int k = 0; k < num_machines; ++k) {
      len += proc[Op(j, k)];
      load[machine[Op(j, k)]] += proc[Op(j, k)];
    }
    best = std::max(best, len);
  }
  for (int64_t l : load) best = std::max(best, l);
  return best;
}

JsspInstance ParseJsspInstance(std::istream& in, const std::string& source) {
  LineReader r(in, source);
  JsspInstance inst;
  inst.name = source;
  std::string line;
  std::vector<std::string_view> w;
  auto next_data = [&] {
    while (r.Next(line)) {
      w = SplitWords(line);
      if (!w.empty() && w[0][0] != '#') return true;
    }
    return false;
  };
  if (!next_data()) throw Error(fmt::format("{}: empty instance file", source));
  if (w.size() != 2) r.Fail("expected '<n_jobs> <n_machines>'");
  const int64_t n = r.Int(w[0], "number of jobs"), m = r.Int(w[1], "number of machines");
  if (n < 1 || m < 1) r.Fail("the numbers of jobs and machines must be >= 1");
  if (n > kMaxOperations / m) {  // n * m, compared without forming it (it may overflow)
    r.Fail(fmt::format("{} jobs x {} machines exceeds {} operations", n, m, kMaxOperations));
  }
  inst.num_jobs = static_cast<int>(n);
  inst.num_machines = static_cast<int>(m);
  inst.machine.resize(n * m);
  inst.proc.resize(n * m);
  for (int j = 0; j < n; ++j) {
    if (!next_data()) throw Error(fmt::format("{}: expected {} job lines, found {}", source, n, j));
    if (static_cast<int64_t>(w.size()) != 2 * m) {
      r.Fail(
          fmt::format("job {} lists {} numbers, expected {} ({} machine/time pairs)", j, w.size(), 2 * m, m));
    }
    for (int k = 0; k < m; ++k) {
      const int64_t mach = r.Int(w[2 * k], "machine index");
      const int64_t p = r.Int(w[2 * k + 1], "processing time");
      if (mach < 0 || mach >= m) {
        r.Fail(fmt::format("job {} operation {}: machine index {} out of range 0..{}", j, k, mach, m - 1));
      }
      if (p < 0) r.Fail(fmt::format("job {} operation {}: negative processing time {}", j, k, p));
      if (p > kMaxProcessingTime) {
        r.Fail(
            fmt::format("job {} operation {}: processing time {} exceeds {}", j, k, p, kMaxProcessingTime));
      }
      inst.machine[inst.Op(j, k)] = static_cast<int>(mach);
      inst.proc[inst.Op(j, k)] = static_cast<int>(p);
    }
  }
  if (next_data()) r.Fail(fmt::format("unexpected data after the {} job lines", n));
  return inst;
}

JsspInstance ReadJsspInstance(const std::string& path) {
  auto in = OpenInput(path);
  JsspInstance inst = ParseJsspInstance(in, path);
  inst.name = std::filesystem::path(path).stem().string();
  return inst;
}

std::map<std::string, JsspBounds> ReadJsspBounds(const std::string& path) {
  auto in = OpenInput(path);
  LineReader r(in, path);
  std::string line;
  if (!r.Next(line)) throw Error(fmt::format("{}: empty bounds file", path));
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string f;
    while (std::getline(ss, f, ',')) out.push_back(f);
    if (!s.empty() && s.back() == ',') out.emplace_back();
    return out;
  };
  const auto header = split(line);
  auto col = [&](const char* name) -> int {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) r.Fail(fmt::format("bounds header has no column '{}'", name));
    return static_cast<int>(it - header.begin());
  };
  const int c_inst = col("instance"), c_fam = col("family"), c_jobs = col("jobs"), c_mach = col("machines"),
            c_lb = col("lb"), c_ub = col("ub"), c_opt = col("optimal");
  const auto c_clb = std::find(header.begin(), header.end(), "cpsat600_lb") - header.begin();
  const auto c_cub = std::find(header.begin(), header.end(), "cpsat600_ub") - header.begin();
  std::map<std::string, JsspBounds> out;
  while (r.Next(line)) {
    if (line.empty() || line == "\r") continue;
    auto f = split(line);
    if (f.size() != header.size())
      r.Fail(fmt::format("expected {} fields, found {}", header.size(), f.size()));
    JsspBounds b;
    b.instance = f[c_inst];
    b.family = f[c_fam];
    b.jobs = r.Int32(f[c_jobs], "jobs");
    b.machines = r.Int32(f[c_mach], "machines");
    b.lb = r.Int(f[c_lb], "lb");
    b.ub = r.Int(f[c_ub], "ub");
    b.optimal = r.Int(f[c_opt], "optimal") == 1;
    if (c_clb < static_cast<std::ptrdiff_t>(f.size()) && !f[c_clb].empty())
      b.cpsat600_lb = r.Int(f[c_clb], "cpsat600_lb");
    if (c_cub < static_cast<std::ptrdiff_t>(f.size()) && !f[c_cub].empty())
      b.cpsat600_ub = r.Int(f[c_cub], "cpsat600_ub");
    out[b.instance] = b;
  }
  return out;
}

std::vector<std::string> FindJsspViolations(const JsspInstance& inst, const JsspSchedule& s) {
  std::vector<std::string> out;
  if (static_cast<int>(s.start.size()) != inst.num_ops()) {
    out.push_back(
        fmt::format("the schedule has {} operations, the instance {}", s.start.size(), inst.num_ops()));
    return out;
  }
  int64_t makespan = 0;
  for (int j = 0; j < inst.num_jobs; ++j) {
    for (int k = 0; k < inst.num_machines; ++k) {
      const int o = inst.Op(j, k);
      if (s.start[o] < 0)
        out.push_back(fmt::format("job {} operation {} starts at {} < 0", j, k, s.start[o]));
      if (k > 0) {
        const int prev = o - 1;
        if (s.start[o] < s.start[prev] + inst.proc[prev]) {
          out.push_back(fmt::format("job {} operation {} starts at {} before operation {} ends at {}", j, k,
                                    s.start[o], k - 1, s.start[prev] + inst.proc[prev]));
        }
      }
      makespan = std::max(makespan, s.start[o] + inst.proc[o]);
    }
  }
  const auto orders = MachineOrders(inst, s);
  for (int m = 0; m < inst.num_machines; ++m) {
    for (size_t i = 1; i < orders[m].size(); ++i) {
      const int a = orders[m][i - 1], b = orders[m][i];
      if (s.start[b] < s.start[a] + inst.proc[a]) {
        out.push_back(fmt::format("machine {}: job {} op {} [{}, {}) overlaps job {} op {} starting at {}", m,
                                  inst.JobOf(a), inst.IndexInJob(a), s.start[a], s.start[a] + inst.proc[a],
                                  inst.JobOf(b), inst.IndexInJob(b), s.start[b]));
      }
    }
  }
  if (makespan != s.makespan) {
    out.push_back(fmt::format("the makespan is {} but the last operation ends at {}", s.makespan, makespan));
  }
  return out;
}

void ValidateJsspSchedule(const JsspInstance& inst, const JsspSchedule& s) {
  const auto v = FindJsspViolations(inst, s);
  if (v.empty()) return;
  std::string msg = fmt::format("invalid schedule for {} ({} violations):", inst.name, v.size());
  for (size_t i = 0; i < v.size() && i < 5; ++i) msg += "\n  " + v[i];
  throw Error(msg);
}

std::vector<std::vector<int>> MachineOrders(const JsspInstance& inst, const JsspSchedule& s) {
  std::vector<std::vector<int>> orders(inst.num_machines);
  for (int o = 0; o < inst.num_ops(); ++o) orders[inst.machine[o]].push_back(o);
  for (auto& v : orders) {
    // Zero-length operations sharing a start with another go first, so the order stays a valid sequence.
    std::sort(v.begin(), v.end(), [&](int a, int b) {
      if (s.start[a] != s.start[b]) return s.start[a] < s.start[b];
      if (inst.proc[a] != inst.proc[b]) return inst.proc[a] < inst.proc[b];
      return a < b;
    });
  }
  return orders;
}

}  // namespace schedkit::graph
