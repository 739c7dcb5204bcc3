// LCF (VTC without the counter lift) and the per-client requests-per-minute limit, hand-computed; and the VTC
// fairness bound as a property over randomised multi-client workloads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using testing::Spec;

SchedulerConfig Small() {
  SchedulerConfig c;
  c.num_kv_blocks = 1000;
  c.token_budget = 10;
  c.watermark_fraction = 0;
  return c;
}

TEST(VtcBaselines, LcfDoesNotLiftAReturningClient) {
  Scheduler s(Small(), MakePolicy("lcf"));
  // As Vtc.ReactivatedClientIsLiftedToTheBackloggedMinimum, but client 1 arrives at t=2 with counter 0 while
  // client 0 has 20: it takes the next two iterations (VTC alternates).
  const auto t = testing::RunTable(s, {Spec(0, 0, 10, 1, 0), Spec(1, 0, 10, 1, 0), Spec(2, 0, 10, 1, 0),
                                       Spec(3, 0, 10, 1, 0), Spec(4, 2, 10, 1, 1), Spec(5, 2, 10, 1, 1)});
  const std::vector<std::string> want = {"0:10", "1:10", "4:10", "5:10", "2:10", "3:10"};
  EXPECT_EQ(t, want);
}

TEST(VtcBaselines, RpmRejectsOverTheLimitPerClientAndWindow) {
  Scheduler s(Small(), MakePolicy("rpm", {{"rate_limit", "2"}}));
  EXPECT_EQ(s.AddRequest(Spec(0, 0, 10, 1, 0), 0).state, RequestState::kWaiting);
  EXPECT_EQ(s.AddRequest(Spec(1, 0, 10, 1, 0), 0).state, RequestState::kWaiting);
  EXPECT_EQ(s.AddRequest(Spec(2, 0, 10, 1, 0), 0).state, RequestState::kRejected);  // third in 60 s
  EXPECT_EQ(s.AddRequest(Spec(3, 0, 10, 1, 1), 0).state, RequestState::kWaiting);   // another client
  EXPECT_EQ(testing::Render(s.Schedule(0)), "0:10");                                // FCFS
  s.UpdateFromOutput(1);
  EXPECT_EQ(s.AddRequest(Spec(4, 59.5, 10, 1, 0), 59.5).state, RequestState::kRejected);
  EXPECT_EQ(s.AddRequest(Spec(5, 60, 10, 1, 0), 60).state, RequestState::kWaiting);  // t=0 left the window
}

// Weighted service received per client and the largest difference, over any interval where both were
// backlogged, between two clients: for each pair, max - min of (S_f - S_g) over the joint backlogged period.
struct ServiceTracker {
  std::map<ClientId, double> service;
  std::map<ClientId, int> waiting;
  struct Pair {
    bool active = false;
    double lo = 0, hi = 0;
  };
  std::map<std::pair<ClientId, ClientId>, Pair> pairs;
  double max_diff = 0;

  void Update() {
    for (auto& [key, p] : pairs) {
      const bool both = waiting[key.first] > 0 && waiting[key.second] > 0;
      const double d = service[key.first] - service[key.second];
      if (!both) {
        p.active = false;
        continue;
      }
      if (!p.active) {
        p = Pair{true, d, d};
      } else {
        p.lo = std::min(p.lo, d);
        p.hi = std::max(p.hi, d);
        max_diff = std::max(max_diff, p.hi - p.lo);
      }
    }
  }
};

// Runs one random workload; returns the measured max service difference and sets U.
double MeasuredDifference(const std::string& policy, uint64_t seed, double* bound_u) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int lo, int hi) {
    return static_cast<int>(lo + rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  SchedulerConfig c;
  c.block_size = 16;
  c.num_kv_blocks = uni(64, 256);
  c.watermark_fraction = 0.01;
  c.max_num_seqs = uni(4, 32);
  c.token_budget = uni(64, 512);
  Scheduler s(c, MakePolicy(policy));
  const int clients = uni(2, 4);
  const int heavy_factor = uni(2, 5);  // client 0 sends heavy_factor x the others' rate: all stay backlogged
  std::vector<RequestSpec> specs;
  int32_t max_in = 0;
  std::vector<double> t(clients, 0.0);
  for (int i = 0; i < 240; ++i) {
    const ClientId cl = static_cast<ClientId>(i % clients);
    t[cl] += (cl == 0 ? 1.0 / heavy_factor : 1.0) * (rng() % 1000) / 4000.0;
    specs.push_back(Spec(i, t[cl], uni(1, 256), uni(1, 128), cl));
    max_in = std::max(max_in, specs.back().prompt_tokens);
  }
  std::stable_sort(specs.begin(), specs.end(), [](const RequestSpec& a, const RequestSpec& b) {
    return a.arrival_time < b.arrival_time;
  });
  const double kv_tokens = static_cast<double>(c.num_kv_blocks) * c.block_size;
  *bound_u = std::max(1.0 * max_in, 2.0 * kv_tokens);  // U = max(w_p L_in, w_q M)
  ServiceTracker tr;
  for (int a = 0; a < clients; ++a) {
    for (int b = a + 1; b < clients; ++b) tr.pairs[{a, b}];
  }
  double now = 0;
  size_t next = 0;
  for (int it = 0; it < 100000 && (next < specs.size() || s.has_unfinished()); ++it) {
    while (next < specs.size() && specs[next].arrival_time <= now) {
      if (s.AddRequest(specs[next], now).state == RequestState::kWaiting) tr.waiting[specs[next].client]++;
      ++next;
    }
    if (!s.has_unfinished()) {
      now = specs[next].arrival_time;
      continue;
    }
    const SchedulerOutput& out = s.Schedule(now);
    for (const Request* r : out.preempted) tr.waiting[r->spec.client]++;
    for (const ScheduledRequest& x : out.scheduled) {
      const Request& r = *x.request;
      if (x.admitted) tr.waiting[r.spec.client]--;
      if (x.admitted && r.num_preemptions == 0 && x.context_tokens == 0) {
        tr.service[r.spec.client] += r.spec.prompt_tokens;  // w_p = 1
      } else if (x.is_decode) {
        tr.service[r.spec.client] += 2;  // w_q = 2
      }
    }
    tr.Update();
    now += 0.02;
    s.UpdateFromOutput(now);
  }
  EXPECT_FALSE(s.has_unfinished());
  return tr.max_diff;
}

TEST(VtcProperty, BackloggedClientsServiceDifferenceStaysWithinTwiceTheBound) {
  double worst_ratio = 0, fcfs_worst = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    double u = 0;
    const double vtc = MeasuredDifference("vtc", seed, &u);
    EXPECT_LE(vtc, 2 * (2 * u)) << "seed " << seed;
    worst_ratio = std::max(worst_ratio, vtc / (2 * u));
    fcfs_worst = std::max(fcfs_worst, MeasuredDifference("sarathi", seed, &u) / (2 * u));
  }
  std::printf("VTC: max service difference / 2U = %.4f (FCFS on the same workloads: %.4f)\n", worst_ratio,
              fcfs_worst);
  EXPECT_LT(worst_ratio, fcfs_worst);  // the heavy client takes service under FCFS
}

}  // namespace
}  // namespace schedkit::serve
