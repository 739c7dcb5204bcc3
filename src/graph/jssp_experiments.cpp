#include "schedkit/graph/jssp_experiments.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>

#include "schedkit/graph/isbjssp.h"
#include "schedkit/util/error.h"

namespace schedkit::graph {

std::vector<JsspBoundedInstance> ReadJsspFamily(const std::string& data_dir,
                                                const std::string& family_or_class) {
  std::vector<JsspBoundedInstance> out;
  for (const auto& [name, b] : ReadJsspBounds(data_dir + "/bounds.csv")) {
    if (b.family == family_or_class || SizeClass(name, b.family) == family_or_class) {
      out.push_back({ReadJsspInstance(data_dir + "/instances/" + name + ".txt"), b.ub});
    }
  }
  if (out.empty()) throw Error(fmt::format("no shared instance in family or class '{}'", family_or_class));
  return out;
}

IsbjsspExperimentResult RunIsbjsspExperiment(const std::vector<JsspBoundedInstance>& instances,
                                             const IsbjsspExperimentOptions& o) {
  if (o.seeds < 1) throw Error(fmt::format("ISBJSSP experiment: seeds must be >= 1, got {}", o.seeds));
  if (instances.empty()) throw Error("ISBJSSP experiment: no instance");
  IsbjsspExperimentResult result;
  result.ratio = std::all_of(instances.begin(), instances.end(), [](const auto& i) { return i.ub > 0; });
  const double runs = static_cast<double>(instances.size()) * o.seeds;
  for (DispatchRule r : o.rules) {
    std::vector<double>& row = result.mean.emplace_back();
    for (double p : o.probabilities) {
      double sum = 0;
      for (const auto& [inst, ub] : instances) {
        for (int s = 1; s <= o.seeds; ++s) {
          IsbjsspOptions run;
          run.rule = r;
          run.shutdown_probability = p;
          run.max_down = o.max_down;
          run.seed = static_cast<std::uint64_t>(s);
          const IsbjsspResult res = SimulateIsbjssp(inst, run);
          const auto v = FindIsbjsspViolations(inst, res);
          if (!v.empty()) {
            throw Error(fmt::format("internal: invalid ISBJSSP schedule for {}: {}", inst.name, v[0]));
          }
          sum += result.ratio ? static_cast<double>(res.makespan) / static_cast<double>(ub)
                              : static_cast<double>(res.makespan);
        }
      }
      row.push_back(sum / runs);
    }
  }
  return result;
}

std::vector<JsspPolicyClassGaps> CompareJsspPolicyByClass(const JsspBenchOptions& bench,
                                                          const std::vector<JsspBenchRow>& rows,
                                                          const JsspPolicy& policy) {
  std::vector<JsspPolicyClassGaps> out;
  for (const auto& row : rows) {
    if (std::none_of(out.begin(), out.end(), [&](const auto& c) { return c.size_class == row.size_class; })) {
      out.push_back({row.size_class});
    }
  }
  for (auto& c : out) {
    for (const auto& row : rows) {
      if (row.size_class != c.size_class) continue;
      if (row.rule_makespan.empty()) throw Error("policy comparison: the bench ran no rule");
      const JsspInstance inst = ReadJsspInstance(bench.data_dir + "/instances/" + row.instance + ".txt");
      c.learned += GapPercent(EvaluateJsspPolicy(inst, policy), row.ub);
      c.best_rule +=
          GapPercent(*std::min_element(row.rule_makespan.begin(), row.rule_makespan.end()), row.ub);
      c.last_rule += GapPercent(row.rule_makespan.back(), row.ub);
      ++c.instances;
    }
    c.learned /= c.instances;
    c.best_rule /= c.instances;
    c.last_rule /= c.instances;
  }
  return out;
}

}  // namespace schedkit::graph
