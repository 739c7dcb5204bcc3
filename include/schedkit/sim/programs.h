// Agentic programs: each program is a DAG of LLM calls (a sequential chain, or fan-out/fan-in stages) with a
// think/tool time between a call's parents finishing and its own arrival, lengths resampled from a real
// trace. ProgramSource is a reactive RequestSource: the simulator tells it when calls finish and it releases
// their children. SummarizePrograms computes the program-level metrics of Autellix (program latency, latency
// per output token, program throughput) from the simulator's per-request records.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "schedkit/serve/request.h"
#include "schedkit/sim/metrics.h"
#include "schedkit/sim/workload.h"

namespace schedkit::sim {

struct ProgramOptions {
  enum class Shape { kChain, kFanOut, kMixed } shape = Shape::kChain;
  int64_t num_programs = 100;
  double rate = 0.5;        // program arrivals per second (Poisson)
  double chain_p = 0.3;     // chain: n calls with n = 1 + Geometric(p) (mean 1 + (1 - p) / p)
  int32_t fan_width = 4;    // fan-out: each stage is `fan_width` parallel calls, then one join call
  int32_t fan_stages = 2;   // number of fan-out/fan-in stages after the root call
  double think_time = 1.0;  // mean of the exponential delay after the parents finish (0 = none)
  // (prompt, output) pairs from a real trace, resampled with replacement for every call.
  std::vector<std::pair<int32_t, int32_t>> lengths;
  uint64_t seed = 0;
};

struct Program {
  serve::ProgramId id = 0;
  double arrival = 0;
  // Calls in topological order; spec.arrival_time is set for root calls only (others depend on finishes);
  // spec.id is unique across programs, spec.program = id, spec.parents the calls it waits for.
  std::vector<serve::RequestSpec> calls;
  std::vector<double> think;  // per call: delay after its last parent finishes
};

// Throws schedkit::Error naming the option for bad options or empty lengths. Deterministic for a seed.
std::vector<Program> GeneratePrograms(const ProgramOptions& options);

// "chain", "fanout", "mixed" (half each); unknown names list the valid ones.
ProgramOptions::Shape ParseProgramShape(const std::string& name, const std::string& flag);

std::unique_ptr<RequestSource> MakeProgramSource(const std::vector<Program>& programs);

struct ProgramSummary {
  int64_t num_programs = 0;
  int64_t num_calls = 0;
  Distribution latency;            // last call's completion - program arrival (s)
  Distribution latency_per_token;  // latency / output tokens of all its calls (s/token)
  double throughput = 0;           // programs per second, first program arrival -> last completion
};

// Throws schedkit::Error when a call of a program has no record.
ProgramSummary SummarizePrograms(const std::vector<Program>& programs,
                                 const std::vector<RequestRecord>& records);

}  // namespace schedkit::sim
