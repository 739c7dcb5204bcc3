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
  // kLats: the LATS / MCTS tree search of the Autellix paper's HotpotQA workload (see the lats_ fields).
  enum class Shape { kChain, kFanOut, kMixed, kLats } shape = Shape::kChain;
  int64_t num_programs = 100;
  double rate = 0.5;        // program arrivals per second (Poisson)
  double chain_p = 0.3;     // chain: n calls with n = 1 + Geometric(p) (mean 1 + (1 - p) / p)
  int32_t fan_width = 4;    // fan-out: each stage is `fan_width` parallel calls, then one join call
  int32_t fan_stages = 2;   // number of fan-out/fan-in stages after the root call
  double think_time = 1.0;  // mean of the exponential delay after the parents finish (0 = none)
  // (prompt, output) pairs from a real trace, resampled with replacement for every call (not kLats). With
  // share_history the sampled prompt is the call's new content only.
  std::vector<std::pair<int32_t, int32_t>> lengths;
  uint64_t seed = 0;

  // Conversation history: a call's prompt is its history parent's full history (that call's prompt and
  // output; the first parent when it has several) followed by its own new tokens, and the calls carry
  // prefix_hashes (one id per hash_block_tokens tokens over prompt and output, serve/request.h) so that a
  // child's ids repeat its parent's over their common full blocks: prefix caching can reuse the history.
  // kLats always shares history.
  bool share_history = false;
  int32_t hash_block_tokens = 16;

  // kLats: `rollouts` MCTS iterations, run one after another; each descends `depth` levels from the task
  // context (the root, lats_new_prefill tokens, not a call). A level is `lats_fan_out` parallel expansion
  // calls continuing the history of one node; the next level waits for all of them (the search evaluates
  // them) and continues from one chosen at random. depth ~ Uniform{lats_min_depth..lats_max_depth}; rollouts
  // = max(1, round(lats_target_calls / (fan_out x depth))). New prompt and output tokens per call are
  // 1 + Exponential with means lats_new_prefill and lats_decode (the paper's per-call means for LATS on
  // HotpotQA: 159.7 calls, 467.2 prefill and 72.6 decode tokens per call).
  int32_t lats_fan_out = 5;
  int32_t lats_min_depth = 5, lats_max_depth = 10;
  int32_t lats_target_calls = 160;
  double lats_new_prefill = 467.2, lats_decode = 72.6;
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

// Sets the shape (and history sharing) of a named program workload: the shapes above, or the presets of the
// Autellix paper's workloads (docs/workloads.md): "chatbot" (multi-turn chains, n = 1 + Geometric(0.3),
// every turn's prompt holds the previous turns: chain + share_history) and "lats" (kLats). Unknown names
// list the valid ones.
void SetProgramWorkload(const std::string& name, const std::string& flag, ProgramOptions* options);

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
