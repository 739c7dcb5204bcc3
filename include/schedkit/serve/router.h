// Global routing of arriving requests across replicas (Vidur's global schedulers).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "schedkit/serve/scheduler.h"

namespace schedkit::serve {

class Router {
 public:
  virtual ~Router() = default;
  // Index of the replica that takes the request.
  virtual size_t Route(const RequestSpec& request, std::span<const Scheduler* const> replicas) = 0;
};

// Autellix's long-call threshold (prefill tokens; the Crystalclear9 reimplementation's value, unconfirmed).
inline constexpr int64_t kAutellixLongCallTokens = 2048;

// round_robin | lor (least outstanding requests: running + waiting) | random (seeded) | autellix[:T]
// (Autellix's load balancer: calls with prompt <= T tokens (default kAutellixLongCallTokens) to the
// least-outstanding replica, longer ones to the replica their program's first long call was placed on).
// Throws schedkit::Error for an unknown name, listing the valid ones.
std::unique_ptr<Router> MakeRouter(std::string_view name, uint64_t seed = 0);
std::vector<std::string> RouterNames();

}  // namespace schedkit::serve
