// Agentic program generator, the reactive program source and program-level metrics (programs.h).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>
#include <random>
#include <unordered_map>

#include "schedkit/sim/programs.h"
#include "schedkit/sim/quantile_sketch.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

using serve::RequestId;
using serve::RequestSpec;

class ProgramSourceImpl : public RequestSource {
 public:
  explicit ProgramSourceImpl(const std::vector<Program>& programs) {
    for (const Program& p : programs) {
      for (size_t k = 0; k < p.calls.size(); ++k) {
        const RequestSpec& c = p.calls[k];
        Call& call = calls_[c.id];
        call.spec = c;
        call.think = p.think[k];
        call.pending = static_cast<int32_t>(c.parents.size());
        for (RequestId parent : c.parents) calls_[parent].children.push_back(c.id);
        if (c.parents.empty()) Release(call.spec);
      }
    }
  }
  std::optional<RequestSpec> Next() override {
    if (ready_.empty()) return std::nullopt;
    RequestSpec s = ready_.top();
    ready_.pop();
    return s;
  }
  bool reactive() const override { return true; }
  void PutBack(const RequestSpec& spec) override { Release(spec); }
  void OnRequestDone(const serve::Request& request, double now) override {
    auto it = calls_.find(request.spec.id);
    if (it == calls_.end()) return;
    for (RequestId child_id : it->second.children) {
      Call& child = calls_.at(child_id);
      if (--child.pending == 0) {
        child.spec.arrival_time = now + child.think;
        Release(child.spec);
      }
    }
  }

 private:
  struct Call {
    RequestSpec spec;
    double think = 0;
    int32_t pending = 0;
    std::vector<RequestId> children;
  };
  struct Later {
    bool operator()(const RequestSpec& a, const RequestSpec& b) const {
      return a.arrival_time != b.arrival_time ? a.arrival_time > b.arrival_time : a.id > b.id;
    }
  };
  void Release(const RequestSpec& s) { ready_.push(s); }

  std::unordered_map<RequestId, Call> calls_;
  std::priority_queue<RequestSpec, std::vector<RequestSpec>, Later> ready_;
};

// A node's conversation history: its length in tokens and its content ids (one per hash block, the last one
// possibly partial).
struct History {
  int64_t tokens = 0;
  std::vector<uint64_t> ids;
};

// Content ids for a call whose prompt continues `parent` (nullptr: none) and whose prompt and output hold
// `total` tokens: the parent's ids over its full blocks, then fresh ids.
std::vector<uint64_t> CallIds(const History* parent, int64_t total, int32_t block, uint64_t* next_id) {
  std::vector<uint64_t> ids;
  const int64_t n = (total + block - 1) / block;
  if (parent != nullptr) {
    const int64_t shared = std::min<int64_t>(parent->tokens / block, n);
    ids.assign(parent->ids.begin(), parent->ids.begin() + shared);
  }
  while (static_cast<int64_t>(ids.size()) < n) ids.push_back((*next_id)++);
  return ids;
}

// share_history for the trace-resampled shapes: prompt = history parent's prompt + output + sampled prompt.
void ShareHistory(Program& prog, int32_t block, uint64_t* next_id) {
  std::unordered_map<RequestId, History> history;
  for (RequestSpec& c : prog.calls) {
    const History* parent = c.parents.empty() ? nullptr : &history.at(c.parents.front());
    if (parent != nullptr) c.prompt_tokens = static_cast<int32_t>(parent->tokens + c.prompt_tokens);
    const int64_t total = static_cast<int64_t>(c.prompt_tokens) + c.output_tokens;
    c.prefix_hashes = CallIds(parent, total, block, next_id);
    c.prefix_hash_block_tokens = block;
    history[c.id] = History{total, c.prefix_hashes};
  }
}

// One LATS program (ProgramOptions::Shape::kLats) into `prog`, whose id and arrival are set.
template <typename Tokens, typename Decode, typename Think>
void AddLatsProgram(const ProgramOptions& o, Program& prog, double arrival, RequestId* next_id,
                    uint64_t* next_hash, std::mt19937_64& shapes, Tokens new_tokens, Decode decode_tokens,
                    Think think) {
  const int32_t block = o.hash_block_tokens;
  std::uniform_int_distribution<int32_t> depth_dist(o.lats_min_depth, o.lats_max_depth);
  std::uniform_int_distribution<int32_t> choose(0, o.lats_fan_out - 1);
  const int32_t depth = depth_dist(shapes);
  const int32_t rollouts = std::max(
      1,
      static_cast<int32_t>(std::lround(static_cast<double>(o.lats_target_calls) / (o.lats_fan_out * depth))));
  History root;
  root.tokens = new_tokens();
  root.ids = CallIds(nullptr, root.tokens, block, next_hash);
  std::vector<RequestId> previous_level;  // the next level (or rollout) waits for all of them
  for (int32_t r = 0; r < rollouts; ++r) {
    History node = root;
    for (int32_t level = 0; level < depth; ++level) {
      std::vector<RequestId> this_level;
      std::vector<History> children;
      for (int32_t k = 0; k < o.lats_fan_out; ++k) {
        RequestSpec s;
        s.id = (*next_id)++;
        s.program = prog.id;
        s.arrival_time = previous_level.empty() ? arrival : 0.0;
        s.parents = previous_level;
        s.prompt_tokens = static_cast<int32_t>(node.tokens + new_tokens());
        s.output_tokens = decode_tokens();
        const int64_t total = static_cast<int64_t>(s.prompt_tokens) + s.output_tokens;
        s.prefix_hashes = CallIds(&node, total, block, next_hash);
        s.prefix_hash_block_tokens = block;
        children.push_back(History{total, s.prefix_hashes});
        this_level.push_back(s.id);
        prog.calls.push_back(std::move(s));
        prog.think.push_back(think());
      }
      node = children[static_cast<size_t>(choose(shapes))];
      previous_level = std::move(this_level);
    }
  }
}

}  // namespace

void SetProgramWorkload(const std::string& name, const std::string& flag, ProgramOptions* o) {
  if (name == "chatbot") {
    o->shape = ProgramOptions::Shape::kChain;
    o->chain_p = 0.3;
    o->share_history = true;
  } else if (name == "lats") {
    o->shape = ProgramOptions::Shape::kLats;
    o->share_history = true;
  } else if (name == "chain" || name == "fanout" || name == "mixed") {
    o->shape = ParseProgramShape(name, flag);
  } else {
    throw Error(fmt::format("{} {}: unknown program workload (valid: chain, fanout, mixed, chatbot, lats)",
                            flag, name));
  }
}

ProgramOptions::Shape ParseProgramShape(const std::string& name, const std::string& flag) {
  if (name == "chain") return ProgramOptions::Shape::kChain;
  if (name == "fanout") return ProgramOptions::Shape::kFanOut;
  if (name == "mixed") return ProgramOptions::Shape::kMixed;
  throw Error(fmt::format("{} {}: unknown program shape (valid: chain, fanout, mixed)", flag, name));
}

std::vector<Program> GeneratePrograms(const ProgramOptions& o) {
  if (o.num_programs < 1) throw Error(fmt::format("programs: num_programs={} must be >= 1", o.num_programs));
  if (!(o.rate > 0) || !std::isfinite(o.rate))
    throw Error(fmt::format("programs: rate={} must be > 0", o.rate));
  if (!(o.chain_p > 0 && o.chain_p <= 1))
    throw Error(fmt::format("programs: chain_p={} must be in (0, 1]", o.chain_p));
  if (o.fan_width < 1 || o.fan_stages < 0) {
    throw Error(
        fmt::format("programs: fan_width={} must be >= 1 and fan_stages={} >= 0", o.fan_width, o.fan_stages));
  }
  if (!(o.think_time >= 0)) throw Error(fmt::format("programs: think_time={} must be >= 0", o.think_time));
  const bool lats = o.shape == ProgramOptions::Shape::kLats;
  if (o.lengths.empty() && !lats) throw Error("programs: no (prompt, output) lengths to resample from");
  if (o.hash_block_tokens < 1)
    throw Error(fmt::format("programs: hash_block_tokens={} must be >= 1", o.hash_block_tokens));
  if (lats && (o.lats_fan_out < 1 || o.lats_min_depth < 1 || o.lats_max_depth < o.lats_min_depth ||
               o.lats_target_calls < 1 || !(o.lats_new_prefill >= 0) || !(o.lats_decode >= 0))) {
    throw Error(fmt::format(
        "programs: lats options fan_out={} min_depth={} max_depth={} target_calls={} must be >= 1 (min <= "
        "max), new_prefill={} and decode={} >= 0",
        o.lats_fan_out, o.lats_min_depth, o.lats_max_depth, o.lats_target_calls, o.lats_new_prefill,
        o.lats_decode));
  }
  std::mt19937_64 arrivals(o.seed * 3 + 1), shapes(o.seed * 3 + 2), lengths(o.seed * 3 + 3);
  std::exponential_distribution<double> gap(o.rate);
  std::geometric_distribution<int32_t> extra_calls(o.chain_p);
  std::uniform_int_distribution<size_t> pick(0, o.lengths.empty() ? 0 : o.lengths.size() - 1);
  std::exponential_distribution<double> new_prefill(o.lats_new_prefill > 0 ? 1.0 / o.lats_new_prefill : 1.0);
  std::exponential_distribution<double> decode(o.lats_decode > 0 ? 1.0 / o.lats_decode : 1.0);
  auto lats_tokens = [&](std::exponential_distribution<double>& d, double mean) {
    return mean > 0 ? 1 + static_cast<int32_t>(d(lengths)) : 1;
  };
  uint64_t next_hash = 1;
  std::exponential_distribution<double> think(o.think_time > 0 ? 1.0 / o.think_time : 1.0);
  std::vector<Program> programs;
  double t = 0;
  RequestId next_id = 0;
  for (int64_t p = 0; p < o.num_programs; ++p) {
    t += gap(arrivals);
    Program prog;
    prog.id = p;
    prog.arrival = t;
    auto add = [&](std::vector<RequestId> parents) {
      RequestSpec s;
      s.id = next_id++;
      s.program = p;
      s.arrival_time = parents.empty() ? t : 0.0;
      const auto [prompt, output] = o.lengths[pick(lengths)];
      s.prompt_tokens = std::max(1, prompt);
      s.output_tokens = std::max(1, output);
      s.parents = std::move(parents);
      prog.calls.push_back(s);
      prog.think.push_back(o.think_time > 0 ? think(shapes) : 0.0);
      return prog.calls.back().id;
    };
    if (lats) {
      AddLatsProgram(
          o, prog, t, &next_id, &next_hash, shapes,
          [&] { return lats_tokens(new_prefill, o.lats_new_prefill); },
          [&] { return lats_tokens(decode, o.lats_decode); },
          [&] { return o.think_time > 0 ? think(shapes) : 0.0; });
      programs.push_back(std::move(prog));
      continue;
    }
    bool fan = o.shape == ProgramOptions::Shape::kFanOut;
    if (o.shape == ProgramOptions::Shape::kMixed) fan = (shapes() & 1) != 0;
    RequestId last = add({});
    if (!fan) {
      const int32_t n = extra_calls(shapes);
      for (int32_t k = 0; k < n; ++k) last = add({last});
    } else {
      for (int32_t stage = 0; stage < o.fan_stages; ++stage) {
        std::vector<RequestId> branch;
        for (int32_t w = 0; w < o.fan_width; ++w) branch.push_back(add({last}));
        last = add(branch);  // fan-in: the join waits for every branch
      }
    }
    if (o.share_history) ShareHistory(prog, o.hash_block_tokens, &next_hash);
    programs.push_back(std::move(prog));
  }
  return programs;
}

std::unique_ptr<RequestSource> MakeProgramSource(const std::vector<Program>& programs) {
  return std::make_unique<ProgramSourceImpl>(programs);
}

ProgramSummary SummarizePrograms(const std::vector<Program>& programs,
                                 const std::vector<RequestRecord>& records) {
  std::unordered_map<RequestId, const RequestRecord*> by_id;
  for (const RequestRecord& r : records) by_id[r.request_id] = &r;
  ProgramSummary s;
  std::vector<double> latency, per_token;
  double first = INFINITY, last = -INFINITY;
  for (const Program& p : programs) {
    double end = p.arrival;
    int64_t tokens = 0;
    for (const RequestSpec& c : p.calls) {
      auto it = by_id.find(c.id);
      if (it == by_id.end())
        throw Error(fmt::format("programs: call {} of program {} has no record", c.id, p.id));
      end = std::max(end, it->second->arrived_at + it->second->request_e2e_time);
      tokens += c.output_tokens;
      ++s.num_calls;
    }
    latency.push_back(end - p.arrival);
    per_token.push_back((end - p.arrival) / static_cast<double>(std::max<int64_t>(1, tokens)));
    first = std::min(first, p.arrival);
    last = std::max(last, end);
  }
  s.num_programs = static_cast<int64_t>(programs.size());
  s.latency = Describe(latency);
  s.latency_per_token = Describe(per_token);
  s.throughput = last > first ? static_cast<double>(s.num_programs) / (last - first) : 0.0;
  return s;
}

}  // namespace schedkit::sim
