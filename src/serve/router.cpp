#include "schedkit/serve/router.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <charconv>
#include <random>
#include <unordered_map>

#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

class RoundRobinRouter : public Router {
 public:
  size_t Route(const RequestSpec&, std::span<const Scheduler* const> replicas) override {
    return next_++ % replicas.size();
  }

 private:
  size_t next_ = 0;
};

size_t LeastOutstanding(std::span<const Scheduler* const> replicas) {
  size_t best = 0;
  for (size_t i = 1; i < replicas.size(); ++i) {
    const size_t load = replicas[i]->num_running() + replicas[i]->num_waiting();
    if (load < replicas[best]->num_running() + replicas[best]->num_waiting()) best = i;
  }
  return best;
}

class LeastOutstandingRouter : public Router {
 public:
  size_t Route(const RequestSpec&, std::span<const Scheduler* const> replicas) override {
    return LeastOutstanding(replicas);
  }
};

// Autellix's load balancer (reconstruction, serving-policies.md §6(a)): a short call (prompt <= threshold)
// goes to the least-used replica; a long one to its program's pinned replica, which the program's first long
// call pins (the least-used one then): long prompts are where the program's cached history pays.
class AutellixRouter : public Router {
 public:
  explicit AutellixRouter(int64_t threshold) : threshold_(threshold) {}
  size_t Route(const RequestSpec& r, std::span<const Scheduler* const> replicas) override {
    if (r.prompt_tokens <= threshold_ || r.program == kNoProgram) return LeastOutstanding(replicas);
    auto [it, inserted] = pinned_.try_emplace(r.program, 0);
    if (inserted) it->second = LeastOutstanding(replicas);
    return it->second;
  }

 private:
  int64_t threshold_;
  std::unordered_map<ProgramId, size_t> pinned_;
};

class RandomRouter : public Router {
 public:
  explicit RandomRouter(uint64_t seed) : rng_(seed) {}
  size_t Route(const RequestSpec&, std::span<const Scheduler* const> replicas) override {
    return static_cast<size_t>(rng_() % replicas.size());  // modulo bias is negligible for a few replicas
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

std::vector<std::string> RouterNames() { return {"round_robin", "lor", "random", "autellix[:THRESHOLD]"}; }

std::unique_ptr<Router> MakeRouter(std::string_view name, uint64_t seed) {
  if (name == "round_robin") return std::make_unique<RoundRobinRouter>();
  if (name == "lor") return std::make_unique<LeastOutstandingRouter>();
  if (name == "random") return std::make_unique<RandomRouter>(seed);
  if (name == "autellix") return std::make_unique<AutellixRouter>(kAutellixLongCallTokens);
  if (name.starts_with("autellix:")) {
    const std::string_view digits = name.substr(9);
    int64_t threshold = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), threshold);
    if (ec != std::errc() || end != digits.data() + digits.size() || threshold < 0) {
      throw Error(
          fmt::format("router '{}': the threshold must be a non-negative number of prompt tokens", name));
    }
    return std::make_unique<AutellixRouter>(threshold);
  }
  throw Error(fmt::format("unknown router '{}' (valid: {})", name, fmt::join(RouterNames(), ", ")));
}

}  // namespace schedkit::serve
