// Factories of the built-in policies (one .cpp each); the registry in policy_registry.cpp lists them.
#pragma once

#include <memory>

#include "schedkit/serve/policy.h"

namespace schedkit::serve {

std::unique_ptr<SchedulingPolicy> MakeVllmPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeVllmV1Policy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeSarathiPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeOrcaPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeFcfsStaticPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeVtcPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeLcfPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeRpmPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeSjfPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeSrptPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakePriorityPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeLtrPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeAutellixPlasPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeAutellixAtlasPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeSlaiPolicy(const PolicyOptions& options);
std::unique_ptr<SchedulingPolicy> MakeMlfqPolicy(const PolicyOptions& options);

}  // namespace schedkit::serve
