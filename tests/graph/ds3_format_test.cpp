// DS3 / gym_ds3 / STG readers: the shared files, and every malformed-input path.
#include "schedkit/graph/ds3_format.h"

#include <gtest/gtest.h>

#include <sstream>

#include "schedkit/graph/dag_output.h"
#include "schedkit/graph/list_scheduling.h"
#include "schedkit/util/error.h"
#include "shared_data.h"

namespace schedkit::graph {
namespace {

using testing::ErrorOf;
using testing::SharedPath;

Ds3Job JobFrom(const std::string& text) {
  std::istringstream in(text);
  return ParseDs3Job(in, "job.txt");
}
Ds3Soc SocFrom(const std::string& text) {
  std::istringstream in(text);
  return ParseDs3Soc(in, "soc.txt");
}

const char* kTwoTaskJob =
    "job_name tiny\nadd_new_tasks 2\na 0\na HEAD\na earliest_start 0 deadline 5\nb 1 0\nb TAIL\n"
    "b earliest_start 0 deadline 9 input_vol 1 output_vol 2\ncomm_vol 0 1 30\n";
const char* kSoc =
    "add_new_resource resource_type CPU resource_name C resource_ID 0 capacity 2 "
    "num_supported_functionalities 2 "
    "DVFS_mode performance\nopp 1000 900\na 4\nb 6\n"
    "add_new_resource resoruce_type ACC resource_name X resource_ID 1 capacity 1 "
    "num_supported_functionalities 1 "
    "DVFS_mode none\nb 1\n"
    "comm_band_self 1000\ncomm_band 0 0 10\ncomm_band 0 1 3\n";

TEST(GraphDs3Reader, ParsesJobsSocsAndExpandsCapacity) {
  const Ds3Job job = JobFrom(kTwoTaskJob);
  EXPECT_EQ(job.graph.name, "tiny");
  EXPECT_EQ(job.head, 0);
  EXPECT_EQ(job.tail, 1);
  ASSERT_EQ(job.graph.succs[0].size(), 1u);
  EXPECT_DOUBLE_EQ(job.graph.succs[0][0].volume, 30);
  EXPECT_DOUBLE_EQ(job.deadline[1], 9);
  const Ds3Soc soc = SocFrom(kSoc);
  ASSERT_EQ(soc.num_pes(), 3);
  EXPECT_EQ(soc.pe_names[2], "X_2");
  EXPECT_DOUBLE_EQ(soc.Bandwidth(0, 0), 1000);  // a core with itself: comm_band_self
  EXPECT_DOUBLE_EQ(soc.Bandwidth(0, 1), 10);    // two cores of the same cluster
  EXPECT_DOUBLE_EQ(soc.Bandwidth(1, 2), 3);
  EXPECT_DOUBLE_EQ(soc.Bandwidth(2, 2), 1);  // not listed: DS3 default 1
  const Problem p = MakeProblem(job, soc);
  EXPECT_DOUBLE_EQ(p.Cost(0, 2), kCannotRun);  // the accelerator does not list 'a'
  EXPECT_DOUBLE_EQ(p.CommTime(30, 0, 2), 10);  // int(30 / 3)
  EXPECT_DOUBLE_EQ(p.CommTime(30, 0, 1), 3);
  EXPECT_DOUBLE_EQ(p.CommTime(31, 0, 0), 0);
  const DagSchedule s = ScheduleHeft(p);
  EXPECT_TRUE(FindViolations(p, s).empty());
  // a on C (4), then b: on C_0 at 4 -> 10; on X at 4 + 10 -> 15; HEFT picks C_0.
  EXPECT_DOUBLE_EQ(s.makespan, 10);
  EXPECT_EQ(DagScheduleCsv(p, s), "task_id,task,processor,start,finish\n0,a,C_0,0,4\n1,b,C_0,4,10\n");
  EXPECT_NE(DagScheduleJson(p, s).find("\"makespan\": 10.0"), std::string::npos);
  const std::string svg = RenderGanttSvg(DagGantt(p, s));
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("C_0"), std::string::npos);
}

TEST(GraphDs3Reader, ReadsEverySharedFile) {
  const std::string dir = SharedPath("data/dag");
  SCHEDKIT_REQUIRE_SHARED(dir + "/ds3/soc/SoC.MULTIPLE_BAL.txt");
  const struct {
    const char* file;
    int tasks, edges;
  } jobs[] = {{"job_Top.txt", 10, 15}, {"job_WIFI_5TXM.txt", 27, 30}, {"job_WIFI_5RXM.txt", 34, 37},
              {"job_LAG.txt", 7, 7},   {"job_SCT.txt", 8, 7},         {"job_SCR.txt", 8, 7}};
  for (const char* soc_name : {"SoC.BAL_only.txt", "SoC.MULTIPLE_BAL.txt", "SoC.MULTIPLE_BAL_NoC.txt"}) {
    const Ds3Soc soc = ReadDs3Soc(dir + "/ds3/soc/" + soc_name);
    for (const auto& j : jobs) {
      const Ds3Job job = ReadDs3Job(dir + "/ds3/jobs/" + j.file);
      EXPECT_EQ(job.graph.num_tasks(), j.tasks) << j.file;
      EXPECT_EQ(job.graph.num_edges(), j.edges) << j.file;
      if (std::string(j.file) == "job_Top.txt") continue;  // Top's tasks exist only in SoC.Top
      const Problem p = MakeProblem(job, soc);
      for (auto a : {DagAlgorithm::kHeft, DagAlgorithm::kCpop, DagAlgorithm::kPeft, DagAlgorithm::kMet,
                     DagAlgorithm::kEtf}) {
        EXPECT_TRUE(FindViolations(p, ScheduleDag(p, a)).empty()) << j.file << " " << soc_name;
      }
    }
  }
  const Ds3Soc mb = ReadDs3Soc(dir + "/ds3/soc/SoC.MULTIPLE_BAL.txt");
  EXPECT_EQ(mb.num_pes(), 4 + 4 + 2 + 4 + 2 + 1);  // A7x4, A15x4, MMx2, FFTx4, VITx2, MEM
  // viterbi_decoder is listed twice on the A7 (1828 and 3130): DS3 uses the first.
  EXPECT_DOUBLE_EQ(mb.clusters[0].ExecTime("viterbi_decoder"), 1828);
  // FFT accelerator cores talk to each other at 1000, to A7 at 10.
  EXPECT_DOUBLE_EQ(mb.Bandwidth(12, 13), 1000);
  EXPECT_DOUBLE_EQ(mb.Bandwidth(0, 12), 10);
  EXPECT_DOUBLE_EQ(mb.Bandwidth(12, 12), 10000);

  // gym_ds3 variants: positional SoC header, no volumes on task lines.
  const Ds3Soc gym = ReadDs3Soc(dir + "/gym_ds3/DASH.SoC.Top.txt");
  EXPECT_EQ(gym.num_pes(), 4);
  EXPECT_DOUBLE_EQ(gym.Bandwidth(0, 0), 100);
  for (const char* f : {"job_Top.txt", "job_Top2.txt", "job_Top5.txt", "job_Top10.txt"}) {
    const Problem p = MakeProblem(ReadDs3Job(dir + "/gym_ds3/" + f), gym);
    EXPECT_EQ(p.num_procs(), 3);
    EXPECT_TRUE(FindViolations(p, ScheduleHeft(p)).empty()) << f;
  }
  const Problem top = MakeProblem(ReadDs3Job(dir + "/gym_ds3/job_Top.txt"), gym);
  EXPECT_DOUBLE_EQ(ScheduleHeft(top).makespan, 80);
}

TEST(GraphDs3Reader, MalformedJobsNameFileAndLine) {
  EXPECT_EQ(ErrorOf([] { JobFrom("job_name x\nadd_new_tasks 2\na 0\nb 1 zero\n"); }),
            "job.txt:4: predecessor id: 'zero' is not an integer");
  EXPECT_EQ(ErrorOf([] { JobFrom("job_name x\nadd_new_tasks 2\na 0\nb 1 7\n"); }),
            "job.txt:4: predecessor id 7 out of range 0..1");
  EXPECT_EQ(ErrorOf([] { JobFrom("job_name x\nadd_new_tasks 3\na 0\nb 1 0\n"); }),
            "job.txt: add_new_tasks declares 3 tasks but 2 are defined");
  EXPECT_EQ(ErrorOf([] { JobFrom("job_name x\nadd_new_tasks 2\na 0\nb 1 0\ncomm_vol 1 0 5\n"); }),
            "job.txt:5: comm_vol 1 0: no such edge");
  EXPECT_EQ(ErrorOf([] { JobFrom("jobname x\n"); }),
            "job.txt:1: unknown keyword 'jobname' before add_new_tasks");
  EXPECT_EQ(ErrorOf([] { JobFrom("job_name x\nadd_new_tasks 2\na 0\nb 5 0\n"); }),
            "job.txt:4: task ids must be 0..1 in order; expected 1, found 5");
  EXPECT_NE(ErrorOf([] { ReadDs3Job("/nonexistent/job.txt"); }).find("cannot open '/nonexistent/job.txt'"),
            std::string::npos);
}

TEST(GraphDs3Reader, CyclicJobNamesTheCycle) {
  const std::string msg = ErrorOf([] { JobFrom("job_name loop\nadd_new_tasks 3\na 0 2\nb 1 0\nc 2 1\n"); });
  EXPECT_EQ(msg, "job.txt: graph 'loop' has a cycle: a(0) -> b(1) -> c(2) -> a(0)");
}

TEST(GraphDs3Reader, MalformedSocsNameFileAndLine) {
  EXPECT_EQ(ErrorOf([] {
              SocFrom(
                  "add_new_resource resource_type CPU resource_name C resource_ID 0 capacity 1 "
                  "num_supported_functionalities 1 DVFS_mode p\na fast\n");
            }),
            "soc.txt:2: execution time: 'fast' is not a number");
  EXPECT_EQ(ErrorOf([] {
              SocFrom(
                  "add_new_resource resource_type CPU resource_name C resource_ID 0 capacity 1 "
                  "num_supported_functionalities 2 DVFS_mode p\na 1\n");
            }),
            "soc.txt: resource 'C' declares more functionalities than it lists");
  EXPECT_EQ(
      ErrorOf([] { SocFrom("frobnicate 1\n"); }),
      "soc.txt:1: unknown keyword 'frobnicate' (expected add_new_resource, comm_band_self or comm_band)");
  EXPECT_EQ(ErrorOf([] {
              SocFrom(
                  "add_new_resource resource_type CPU resource_name C resource_ID 0 capacity 1 "
                  "num_supported_functionalities 1 DVFS_mode p\na 1\ncomm_band 0 4 5\n");
            }),
            "soc.txt:3: comm_band names resource id 4, which is not defined");
}

TEST(GraphDs3Reader, TaskWithNoCapableProcessorIsAnError) {
  const Ds3Job job = JobFrom("job_name j\nadd_new_tasks 2\na 0\nmystery 1 0\n");
  const Ds3Soc soc = SocFrom(kSoc);
  EXPECT_EQ(ErrorOf([&] { MakeProblem(job, soc); }),
            "job.txt on soc.txt: task mystery(1) of 'j' cannot run on any processor (none lists 'mystery')");
}

TEST(GraphStgReader, ParsesAndRejectsMalformedLines) {
  std::istringstream ok("2\n0 0 0\n1 3 1 0\n2 4 1 0\n3 0 2 1 2\n");
  const Problem p = ParseStg(ok, "g.stg", 2);
  EXPECT_EQ(p.num_tasks(), 4);
  EXPECT_DOUBLE_EQ(ScheduleHeft(p).makespan, 4);
  std::istringstream bad("2\n0 0 0\n1 3 2 0\n2 4 1 0\n3 0 2 1 2\n");
  EXPECT_EQ(ErrorOf([&] { ParseStg(bad, "g.stg", 2); }), "g.stg:3: the line lists 1 predecessors but says 2");
  std::istringstream shortf("2\n0 0 0\n1 3 1 0\n");
  EXPECT_EQ(ErrorOf([&] { ParseStg(shortf, "g.stg", 2); }), "g.stg: expected 4 task lines, found 2");
  std::istringstream any("1\n0 0 0\n1 1 1 0\n2 0 1 1\n");
  EXPECT_EQ(ErrorOf([&] { ParseStg(any, "g.stg", 0); }), "STG: the number of processors must be >= 1, got 0");
}

}  // namespace
}  // namespace schedkit::graph
