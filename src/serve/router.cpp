#include "schedkit/serve/router.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <random>

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

class LeastOutstandingRouter : public Router {
 public:
  size_t Route(const RequestSpec&, std::span<const Scheduler* const> replicas) override {
    size_t best = 0;
    for (size_t i = 1; i < replicas.size(); ++i) {
      const size_t load = replicas[i]->num_running() + replicas[i]->num_waiting();
      if (load < replicas[best]->num_running() + replicas[best]->num_waiting()) best = i;
    }
    return best;
  }
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

std::vector<std::string> RouterNames() { return {"round_robin", "lor", "random"}; }

std::unique_ptr<Router> MakeRouter(std::string_view name, uint64_t seed) {
  if (name == "round_robin") return std::make_unique<RoundRobinRouter>();
  if (name == "lor") return std::make_unique<LeastOutstandingRouter>();
  if (name == "random") return std::make_unique<RandomRouter>(seed);
  throw Error(fmt::format("unknown router '{}' (valid: {})", name, fmt::join(RouterNames(), ", ")));
}

}  // namespace schedkit::serve
