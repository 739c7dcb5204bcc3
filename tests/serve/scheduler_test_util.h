// Helpers for scheduler tests: drive a Scheduler with a unit-time iteration clock and record what ran.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/error_of.h"
#include "schedkit/serve/scheduler.h"
#include "schedkit/util/error.h"

namespace schedkit::serve::testing {

using schedkit::testing::ErrorOf;

// Room for every small test workload: 1,000 KV blocks of 16 tokens, no watermark, max_model_len 4,096; the
// token budget (0 = the policy's default) and the batch cap as given.
inline SchedulerConfig Roomy(int32_t budget = 0, int32_t max_seqs = SchedulerConfig{}.max_num_seqs) {
  SchedulerConfig c;
  c.num_kv_blocks = 1000;
  c.block_size = 16;
  c.watermark_fraction = 0.0;
  c.max_model_len = 4096;
  c.token_budget = budget;
  c.max_num_seqs = max_seqs;
  return c;
}

inline RequestSpec Spec(RequestId id, double arrival, int32_t prompt, int32_t output,
                        ClientId client = kNoClient) {
  RequestSpec s;
  s.id = id;
  s.arrival_time = arrival;
  s.prompt_tokens = prompt;
  s.output_tokens = output;
  s.client = client;
  return s;
}

// One iteration rendered as "id:tokens" entries in batch order, e.g. "0:512 1:1".
inline std::string Render(const SchedulerOutput& out) {
  std::string s;
  for (const auto& x : out.scheduled) {
    if (!s.empty()) s += ' ';
    s += std::to_string(x.request->spec.id) + ":" + std::to_string(x.num_tokens);
  }
  return s;
}

// Runs iterations of 1 s each (requests arrive at their integer arrival times) and returns the rendered
// table.
inline std::vector<std::string> RunTable(Scheduler& sched, std::vector<RequestSpec> specs,
                                         int max_iters = 100) {
  std::vector<std::string> table;
  double now = 0;
  size_t next = 0;
  for (int it = 0; it < max_iters; ++it) {
    while (next < specs.size() && specs[next].arrival_time <= now) sched.AddRequest(specs[next++], now);
    if (!sched.has_unfinished() && next == specs.size()) break;
    const auto& out = sched.Schedule(now);
    table.push_back(Render(out));
    now += 1;
    sched.UpdateFromOutput(now);
  }
  return table;
}

}  // namespace schedkit::serve::testing
