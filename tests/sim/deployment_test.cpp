// sim::DeploymentSpec -> sim::Deployment -> sim::Simulator from C++: the CLI's pinned default run reproduced
// byte for byte without CLI code, the settings table, config files and the simulator's observers.
#include "schedkit/sim/deployment.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error_of.h"
#include "schedkit/sim/decision_trace.h"
#include "schedkit/sim/deployment_fields.h"
#include "schedkit/sim/report.h"

namespace schedkit::sim {
namespace {

using testing::ErrorOf;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("schedkit_deployment_test_" + name)).string();
}

// The default `schedkit simulate` run, policy by policy, equals the golden per-request CSVs of the CLI.
TEST(Deployment, DefaultRunFromCxxMatchesTheCliGolden) {
  const Deployment d = Deployment::Resolve(DeploymentSpec{});
  for (const std::string policy : {"vllm", "sarathi", "vllm-v1"}) {
    auto source = d.Source();
    const SimulationResult r = Simulator(d.ConfigFor(policy), *source, d.execution_model()).Run();
    const std::string path = TempPath(policy + ".csv");
    WriteRequestCsv(path, r.records);
    EXPECT_EQ(ReadFile(path), ReadFile(std::string(SCHEDKIT_SOURCE_DIR) + "/tests/golden/serve/default/" +
                                       policy + ".request_metrics.csv"))
        << policy;
    std::filesystem::remove(path);
  }
}

TEST(Deployment, EveryFieldRoundTripsThroughItsText) {
  DeploymentSpec spec;
  for (const DeploymentField& f : DeploymentFields()) {
    DeploymentSpec copy;
    const std::string text = f.get(spec);
    SetDeploymentField(copy, f.key, text, f.key);
    EXPECT_EQ(f.get(copy), text) << f.key;
    EXPECT_FALSE(f.flag.empty()) << f.key;
    EXPECT_FALSE(f.help.empty()) << f.key;
  }
  SetDeploymentField(spec, "workload.rate", "2.5", "test");
  EXPECT_EQ(spec.workload.rate, 2.5);
  SetDeploymentField(spec, "vidur_compat", "true", "test");
  EXPECT_TRUE(spec.vidur_compat);
}

TEST(Deployment, BadSettingsNameTheField) {
  DeploymentSpec spec;
  EXPECT_EQ(ErrorOf([&] { SetDeploymentField(spec, "tp", "two", "run.yaml:3: tp"); }),
            "run.yaml:3: tp: 'two' is not an integer");
  EXPECT_EQ(ErrorOf([&] { SetDeploymentField(spec, "workload.rate", "inf", "--rate"); }),
            "--rate: 'inf' is out of range (a finite number is expected)");
  EXPECT_NE(ErrorOf([&] {
              SetDeploymentField(spec, "modle", "x", "run.yaml:1");
            }).find("run.yaml:1: unknown setting 'modle' (valid: policies, policy_options, model, gpu"),
            std::string::npos);
  auto resolve_error = [](auto edit) {
    DeploymentSpec s;
    edit(s);
    return ErrorOf([&] { Deployment::Resolve(s); });
  };
  EXPECT_EQ(resolve_error([](DeploymentSpec& s) { s.workload.time_scale = 0; }),
            "workload.time_scale: 0 must be positive");
  EXPECT_EQ(resolve_error([](DeploymentSpec& s) { s.batch_cap = 0; }), "batch_cap: 0 must be at least 1");
  EXPECT_EQ(resolve_error([](DeploymentSpec& s) { s.pp = 2; }),
            "pp: 2 pipeline stages are not modelled (a replica runs one batch at a time); use pp: 1");
  EXPECT_EQ(resolve_error([](DeploymentSpec& s) { s.prefix_caching = "maybe"; }),
            "prefix_caching 'maybe': expected on, off or auto");
  EXPECT_NE(
      resolve_error([](DeploymentSpec& s) { s.policies = {"vtc"}; }).find("policies: vtc needs client ids"),
      std::string::npos);
  EXPECT_NE(resolve_error([](DeploymentSpec& s) {
              s.policies = {"sarathi"};
              s.policy_options["sarathi"]["chunk"] = "3";
            }).find("unknown option 'chunk'"),
            std::string::npos);
}

TEST(Deployment, ConfigFileOverDefaults) {
  const std::string path = TempPath("run.yaml");
  {
    std::ofstream f(path);
    f << "model: Qwen2-7B\ngpu: a30\nkv_blocks: 11008\npolicies: [sarathi, ltr]\n"
         "policy_options:\n  all: {}\n  ltr: {tau: 0.55, ranker: noisy}\n"
         "workload:\n  max_requests: 40\n  time_scale: 2\n";
  }
  DeploymentSpec spec;
  LoadDeploymentConfig(path, spec);
  EXPECT_EQ(spec.model, "Qwen2-7B");
  EXPECT_EQ(spec.kv_blocks, 11008);
  EXPECT_EQ(spec.policies, (std::vector<std::string>{"sarathi", "ltr"}));
  EXPECT_EQ(PolicyOptionsFor(spec, "ltr"), (serve::PolicyOptions{{"ranker", "noisy"}, {"tau", "0.55"}}));
  EXPECT_EQ(spec.workload.max_requests, 40);
  EXPECT_EQ(spec.workload.time_scale, 2);
  EXPECT_EQ(spec.tp, 1);  // not in the file: the default
  // Written back and read again: the same spec.
  WriteDeploymentConfig(spec, path + ".json");
  DeploymentSpec again;
  LoadDeploymentConfig(path + ".json", again);
  EXPECT_EQ(DeploymentConfigYaml(again), DeploymentConfigYaml(spec));
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".json");
}

// Counts what a run reports to an observer.
class CountingObserver : public SimulationObserver {
 public:
  void OnIterationDone(const IterationReport& it) override {
    ++iterations;
    tokens += static_cast<int64_t>(it.outcome->tokens.size());
    EXPECT_GT(it.end, it.start);
  }
  void OnRequestDone(int32_t, const serve::Request& r) override {
    ++done;
    EXPECT_TRUE(r.is_finished());
  }
  int64_t iterations = 0, tokens = 0, done = 0;
};

TEST(Simulator, ObserversSeeEveryIterationAndRequest) {
  DeploymentSpec spec;
  spec.workload.max_requests = 200;
  spec.replicas = 2;
  const Deployment d = Deployment::Resolve(spec);
  auto source = d.Source();
  Simulator simulator(d.ConfigFor("sarathi"), *source, d.execution_model());
  CountingObserver counter;
  simulator.AddObserver(&counter);
  const SimulationResult r = simulator.Run();
  EXPECT_EQ(counter.iterations, r.summary.num_iterations);
  EXPECT_EQ(counter.done, 200);
  int64_t output_tokens = 0;
  for (const RequestRecord& rec : r.records) output_tokens += rec.num_decode_tokens;
  EXPECT_EQ(counter.tokens, output_tokens);
  EXPECT_EQ(ErrorOf([&] { simulator.Run(); }), "a Simulator runs once: build a new one for another run");
}

}  // namespace
}  // namespace schedkit::sim

namespace schedkit::sim {
namespace {

// The decision trace has one finish per request, every admission, and nothing when the run fails.
TEST(DecisionTrace, OneFinishPerRequestAndEveryAdmission) {
  DeploymentSpec spec;
  spec.workload.max_requests = 150;
  spec.workload.time_scale = 0.3;
  spec.kv_blocks = 1500;
  const Deployment d = Deployment::Resolve(spec);
  const std::string path = TempPath("decisions.jsonl");
  DecisionTraceWriter writer(path);
  writer.set_label("vllm-v1");
  auto source = d.Source();
  Simulator simulator(d.ConfigFor("vllm-v1"), *source, d.execution_model());
  simulator.AddObserver(&writer);
  const SimulationResult r = simulator.Run();
  EXPECT_FALSE(std::filesystem::exists(path));  // not before Commit
  writer.Commit();
  std::ifstream f(path);
  std::string line;
  int64_t finishes = 0, admits = 0, preempts = 0, lines = 0;
  while (std::getline(f, line)) {
    ++lines;
    finishes += line.find("\"event\":\"finish\"") != std::string::npos;
    admits += line.find("\"event\":\"admit\"") != std::string::npos;
    preempts += line.find("\"event\":\"preempt\"") != std::string::npos;
    EXPECT_NE(line.find("\"policy\":\"vllm-v1\""), std::string::npos) << line;
  }
  EXPECT_EQ(lines, writer.num_lines());
  EXPECT_EQ(finishes, 150);
  EXPECT_EQ(preempts, r.summary.num_preemptions);
  EXPECT_EQ(admits, 150 + r.summary.num_preemptions);  // every preempted request is admitted again
  std::filesystem::remove(path);
}

TEST(DecisionTrace, DecisionJsonNamesKindReasonAndBeneficiary) {
  serve::Decision d;
  d.kind = serve::DecisionKind::kPreempt;
  d.reason = serve::DecisionReason::kOutranked;
  d.now = 1.5;
  d.iteration = 7;
  d.request = 3;
  d.num_tokens = 40;
  d.beneficiary = 9;
  EXPECT_EQ(DecisionJson("ltr", 1, d),
            R"({"t":1.5,"policy":"ltr","replica":1,"iteration":7,"event":"preempt","request":3,"tokens":40,)"
            R"("reason":"outranked","for":9})");
}

}  // namespace
}  // namespace schedkit::sim

namespace schedkit::sim {
namespace {

// On the calibrated roofline each policy runs on its engine's model: vllm on vLLM V0 (larger KV reserve),
// the others on vLLM V1; Vidur-profiled pairs share one model and one KV capacity.
TEST(Deployment, EngineRuntimePerPolicyOnTheRoofline) {
  DeploymentSpec spec;
  spec.model = "Llama-3.1-8B";
  spec.gpu = "h100";
  spec.policies = {"vllm", "vllm-v1", "sarathi"};
  spec.workload.max_requests = 10;
  const Deployment d = Deployment::Resolve(spec);
  EXPECT_NE(&d.execution_model("vllm"), &d.execution_model("vllm-v1"));
  EXPECT_EQ(&d.execution_model("vllm-v1"), &d.execution_model("sarathi"));
  EXPECT_LT(d.ConfigFor("vllm").scheduler.num_kv_blocks, d.ConfigFor("vllm-v1").scheduler.num_kv_blocks);
  spec.runtime = "vllm-v1";
  const Deployment one = Deployment::Resolve(spec);
  EXPECT_EQ(&one.execution_model("vllm"), &one.execution_model("vllm-v1"));
  EXPECT_EQ(ErrorOf([&] { one.execution_model("ltr"); }),
            "deployment: policy ltr is not one of its policies (vllm, vllm-v1, sarathi)");

  DeploymentSpec vidur;
  vidur.workload.max_requests = 10;
  const Deployment v = Deployment::Resolve(vidur);
  EXPECT_EQ(&v.execution_model("vllm"), &v.execution_model("vllm-v1"));
  EXPECT_EQ(v.ConfigFor("vllm").scheduler.num_kv_blocks, v.ConfigFor("vllm-v1").scheduler.num_kv_blocks);
}

}  // namespace
}  // namespace schedkit::sim
