// DS3-style streaming SoC simulator: hand-computed cases, the DS3 single-job figures, invariants, errors.
#include "schedkit/graph/soc_sim.h"

#include <gtest/gtest.h>

#include <sstream>

#include "schedkit/util/error.h"
#include "shared_data.h"

namespace schedkit::graph {
namespace {

using testing::SharedPath;

Ds3Job JobFrom(const std::string& text) {
  std::istringstream in(text);
  return ParseDs3Job(in, "job.txt");
}
Ds3Soc SocFrom(const std::string& text) {
  std::istringstream in(text);
  return ParseDs3Soc(in, "soc.txt");
}

// Two CPU cores (a: 10, b: 5) and an accelerator that runs b in 1; accelerator links are slow (bw 2).
const char* kSoc =
    "add_new_resource resource_type CPU resource_name C resource_ID 0 capacity 2 "
    "num_supported_functionalities 2 "
    "DVFS_mode performance\na 10\nb 5\n"
    "add_new_resource resource_type ACC resource_name X resource_ID 1 capacity 1 "
    "num_supported_functionalities 1 "
    "DVFS_mode performance\nb 1\n"
    "comm_band_self 10000\ncomm_band 0 0 100\ncomm_band 0 1 2\n";
// a -> b with 40 units of data.
const char* kChain = "job_name chain\nadd_new_tasks 2\na 0\na HEAD\nb 1 0\nb TAIL\ncomm_vol 0 1 40\n";

TEST(GraphSocSim, SingleJobByHand) {
  SocSimConfig c;
  c.apps = {JobFrom(kChain)};
  c.max_jobs = 1;
  // a on C_0 [0,10). b: on C_0 at 10 + int(40/10000) = 10 -> 15; on C_1: 10 + 0 (40/100 -> 0) -> 15;
  // on X: 10 + 20 -> 31. ETF takes C_0 (first minimum): job time 15. MET takes X (1 us): 31.
  c.scheduler = SocScheduler::kEtf;
  EXPECT_DOUBLE_EQ(SimulateSoc(SocFrom(kSoc), c).avg_job_time_us, 15);
  c.scheduler = SocScheduler::kMet;
  const SocSimResult met = SimulateSoc(SocFrom(kSoc), c);
  EXPECT_DOUBLE_EQ(met.avg_job_time_us, 31);
  EXPECT_EQ(met.completed_jobs, 1);
  EXPECT_EQ(met.tasks_run, 2);
  ASSERT_EQ(met.pe_utilisation.size(), 3u);
  EXPECT_NEAR(met.pe_utilisation[2], 1.0 / 31, 1e-12);  // X busy 1 us of 31
}

TEST(GraphSocSim, FixedInjectionQueuesJobsBehindEachOther) {
  SocSimConfig c;
  c.apps = {JobFrom(kChain)};
  c.max_jobs = 3;
  c.fixed_injection = true;
  c.scale_us = 5;
  c.max_jobs_in_parallel = 1;  // the next job waits until the previous one has left
  c.scheduler = SocScheduler::kEtf;
  const SocSimResult r = SimulateSoc(SocFrom(kSoc), c);
  EXPECT_EQ(r.completed_jobs, 3);
  EXPECT_DOUBLE_EQ(r.avg_job_time_us, 15);  // no overlap, so each job alone
  EXPECT_EQ(r.end_time_us, 45);
}

TEST(GraphSocSim, Ds3SingleJobFigures) {
  const std::string d = SharedPath("data/dag/ds3/");
  SCHEDKIT_REQUIRE_SHARED(d + "soc/SoC.MULTIPLE_BAL.txt");
  const Ds3Soc soc = ReadDs3Soc(d + "soc/SoC.MULTIPLE_BAL.txt");
  auto run = [&](const char* job, SocScheduler s) {
    SocSimConfig c;
    c.apps = {ReadDs3Job(d + "jobs/" + job)};
    c.max_jobs = 1;
    c.scheduler = s;
    return SimulateSoc(soc, c).avg_job_time_us;
  };
  // DS3 paper Table 5 (MET / ETF / CP): WiFi-RX 389 / 301 / 288, range detection 177, WiFi-TX 69.
  EXPECT_DOUBLE_EQ(run("job_WIFI_5RXM.txt", SocScheduler::kEtf), 301);
  EXPECT_DOUBLE_EQ(run("job_LAG.txt", SocScheduler::kEtf), 177);
  EXPECT_DOUBLE_EQ(run("job_LAG.txt", SocScheduler::kMet), 177);
  // Ours differ here (see docs/graph.md): WiFi-TX 71 (paper 69), WiFi-RX with MET 307 (paper 389).
  EXPECT_DOUBLE_EQ(run("job_WIFI_5TXM.txt", SocScheduler::kEtf), 71);
  EXPECT_DOUBLE_EQ(run("job_WIFI_5RXM.txt", SocScheduler::kMet), 307);
  // The table (CP) scheduler with the optimised tables reaches the paper's CP column.
  EXPECT_DOUBLE_EQ(run("job_WIFI_5TXM.txt", SocScheduler::kTable), 69);
  EXPECT_DOUBLE_EQ(run("job_WIFI_5RXM.txt", SocScheduler::kTable), 288);
  EXPECT_DOUBLE_EQ(run("job_LAG.txt", SocScheduler::kTable), 177);
}

TEST(GraphSocSim, StreamingIsDeterministicAndConsistent) {
  const std::string d = SharedPath("data/dag/ds3/");
  SCHEDKIT_REQUIRE_SHARED(d + "soc/SoC.MULTIPLE_BAL.txt");
  const Ds3Soc soc = ReadDs3Soc(d + "soc/SoC.MULTIPLE_BAL.txt");
  SocSimConfig c;
  for (const char* j :
       {"job_WIFI_5TXM.txt", "job_WIFI_5RXM.txt", "job_LAG.txt", "job_SCT.txt", "job_SCR.txt"}) {
    c.apps.push_back(ReadDs3Job(d + "jobs/" + j));
  }
  c.probabilities = {0.2, 0.2, 0.2, 0.1, 0.1};
  c.max_jobs = 400;
  c.scale_us = 50;
  for (auto s : {SocScheduler::kMet, SocScheduler::kEtf, SocScheduler::kHeftRt, SocScheduler::kTable}) {
    c.scheduler = s;
    c.seed = 3;
    const SocSimResult a = SimulateSoc(soc, c), b = SimulateSoc(soc, c);
    EXPECT_EQ(a.completed_jobs, 400) << SocSchedulerName(s);
    EXPECT_EQ(a.avg_job_time_us, b.avg_job_time_us) << SocSchedulerName(s);
    EXPECT_EQ(a.end_time_us, b.end_time_us);
    for (double u : a.pe_utilisation) {
      EXPECT_GE(u, 0.0);
      EXPECT_LE(u, 1.0);
    }
    EXPECT_GE(a.avg_job_time_us, 56);  // no job beats the fastest single-job time (SC-T, 56 us)
    c.seed = 4;
    EXPECT_NE(SimulateSoc(soc, c).end_time_us, a.end_time_us) << SocSchedulerName(s);
  }
  // Warm-up: jobs finishing before it are not counted.
  c.scheduler = SocScheduler::kEtf;
  c.seed = 3;
  c.warmup_us = 2000;
  EXPECT_LT(SimulateSoc(soc, c).completed_jobs, 400);
  // Noise on execution times changes the outcome; sigma 0 does not.
  c.warmup_us = 0;
  const double base = SimulateSoc(soc, c).avg_job_time_us;
  c.noise_sigma = 0.2;
  EXPECT_NE(SimulateSoc(soc, c).avg_job_time_us, base);
}

TEST(GraphSocSim, RejectsBadConfigurations) {
  const Ds3Soc soc = SocFrom(kSoc);
  SocSimConfig c;
  EXPECT_THROW(SimulateSoc(soc, c), Error);  // no app
  c.apps = {JobFrom(kChain)};
  c.scale_us = 0;
  EXPECT_THROW(SimulateSoc(soc, c), Error);
  c.scale_us = 10;
  c.max_jobs_in_parallel = 0;
  EXPECT_THROW(SimulateSoc(soc, c), Error);
  c.max_jobs_in_parallel = 2;
  c.probabilities = {0.5, 0.5};
  EXPECT_THROW(SimulateSoc(soc, c), Error);
  c.probabilities = {};
  c.scheduler = SocScheduler::kExternal;
  EXPECT_THROW(SimulateSoc(soc, c), Error);
  c.scheduler = SocScheduler::kEtf;
  c.apps = {JobFrom("job_name j\nadd_new_tasks 1\nzzz 0\n")};
  EXPECT_THROW(SimulateSoc(soc, c), Error);  // no PE runs 'zzz'
  EXPECT_THROW(ParseSocScheduler("ilp"), Error);
  EXPECT_THROW(ParseSocTableSource("cplex"), Error);
}

}  // namespace
}  // namespace schedkit::graph
