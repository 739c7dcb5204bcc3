// Assignment rules that add the fields no shared trace has (client ids, SLOs) to a workload built from real
// lengths and arrivals. Each rule is seeded: same seed, same assignment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schedkit/serve/request.h"

namespace schedkit::sim {

// Which client sends each request.
//   none:          leave the requests' own client ids
//   uniform:N      N clients, each request to one of them uniformly at random
//   heavy:N,K      N clients; client 0 sends K times the rate of each other client
//                  (P(client 0) = K / (K + N - 1), the others share the rest equally)
//   zipf:N,S       N clients with P(client c) ~ (c + 1)^-S
struct ClientAssignment {
  enum class Kind { kNone, kUniform, kHeavy, kZipf } kind = Kind::kNone;
  int32_t num_clients = 1;
  double param = 1.0;  // heavy: K; zipf: S
  uint64_t seed = 0;
};

// One SLO class: the share of requests that get it and their TTFT / TBT SLOs (seconds).
struct SloClass {
  double share = 1.0;
  double ttft = 0;
  double tbt = 0;
};

// Parses the forms above; `flag` names the option in errors (unknown kinds list the valid ones).
ClientAssignment ParseClientAssignment(const std::string& spec, const std::string& flag);
// "SHARE:TTFT:TBT[,SHARE:TTFT:TBT...]", shares summing to 1 (within 1e-6), e.g. "0.5:2:0.05,0.5:2:0.15".
std::vector<SloClass> ParseSloClasses(const std::string& spec, const std::string& flag);

void AssignClients(std::vector<serve::RequestSpec>& requests, const ClientAssignment& rule);
// Sets ttft_slo / tbt_slo (and priority = class index, so `priority` can serve classes in order) at random by
// share.
void AssignSloClasses(std::vector<serve::RequestSpec>& requests, const std::vector<SloClass>& classes,
                      uint64_t seed);

}  // namespace schedkit::sim
