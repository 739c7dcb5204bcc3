// Parity with the reference implementations: every case of every *.json file in the golden folder (see
// golden_dir.h) must match within 1e-12 relative (1e-15 absolute near zero); integer fields exactly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "golden_dir.h"
#include "schedkit/train/registry.h"
#include "schedkit/util/error.h"

namespace schedkit::train {
namespace {

using nlohmann::json;

// Largest relative deviation seen (reported, to show how close to bit-exact the port is).
double g_max_rel_dev = 0.0;
size_t g_values_compared = 0, g_values_bit_exact = 0;

bool Close(double got, double want) {
  ++g_values_compared;
  if (got == want) ++g_values_bit_exact;
  if (want != 0.0) g_max_rel_dev = std::max(g_max_rel_dev, std::fabs(got - want) / std::fabs(want));
  if (std::isnan(want)) return std::isnan(got);
  return std::fabs(got - want) <= std::max(1e-12 * std::fabs(want), 1e-15);
}

// Compares one series; returns a description of the first mismatch, or "".
std::string CompareSeries(const std::vector<double>& got, const json& want, bool exact,
                          const std::string& what) {
  if (got.size() != want.size()) {
    return what + ": length " + std::to_string(got.size()) + ", expected " + std::to_string(want.size());
  }
  for (size_t i = 0; i < got.size(); ++i) {
    const double w = want[i].get<double>();
    const bool ok = exact ? got[i] == w : Close(got[i], w);
    if (!ok) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "%s[%zu]: got %.17g, expected %.17g", what.c_str(), i, got[i], w);
      return buf;
    }
  }
  return "";
}

std::string CompareGroups(const std::vector<std::vector<double>>& got, const json& want,
                          const std::string& what) {
  if (got.size() != want.size()) {
    return what + ": " + std::to_string(got.size()) + " groups, expected " + std::to_string(want.size());
  }
  for (size_t g = 0; g < got.size(); ++g) {
    auto r = CompareSeries(got[g], want[g], false, what + "[" + std::to_string(g) + "]");
    if (!r.empty()) return r;
  }
  return "";
}

// The input series some formula cases store beside kwargs; they are passed to the schedule as arguments.
const char* kInputSeries[] = {"gnorms",           "gnorms_filtered",   "lr_sequence",
                              "inputs_mean_vhat", "variance_one_norm", "batch_grad_norm_squared"};

// Runs one case; returns the list of mismatches (empty when it passes).
std::vector<std::string> CheckCase(const json& c) {
  std::vector<std::string> errors;
  const std::string api = c.at("api").get<std::string>();
  const std::string protocol = c.at("protocol").get<std::string>();
  json kwargs = c.at("kwargs");
  if (protocol == "formula_index" || protocol == "refinement_index") {
    for (const char* key : kInputSeries) {
      if (c.contains(key) && !(protocol == "refinement_index" && std::string(key) == "gnorms"))
        kwargs[key] = c[key];
    }
  }
  RunSetup setup;
  setup.num_steps = c.at("num_steps").get<int64_t>();
  if (c.contains("optimizer") && !c["optimizer"].is_null()) {
    const auto& o = c["optimizer"];
    setup.param_group_lrs = o.at("param_group_lrs").get<std::vector<double>>();
    setup.defaults_lr = o.at("defaults_lr").get<double>();
    setup.momentum = o.value("momentum", 0.0);
  }
  if (c.contains("metrics")) setup.metrics = c["metrics"].get<std::vector<double>>();
  const Trace t =
      RunSchedule(api, ParseJson(kwargs.dump(), c.at("id").get<std::string>() + " kwargs"), setup);
  if (t.protocol != protocol) errors.push_back("protocol " + t.protocol + ", expected " + protocol);
  auto add = [&](const std::string& e) {
    if (!e.empty()) errors.push_back(e);
  };
  if (c.contains("lrs")) add(CompareGroups(t.lrs, c["lrs"], "lrs"));
  if (c.contains("momentums")) add(CompareGroups(t.momentums, c["momentums"], "momentums"));
  if (c.contains("after_init")) add(CompareSeries(t.after_init, c["after_init"], false, "after_init"));
  if (c.contains("values")) {
    // The AdAdaGrad batch sizes are integers: exact.
    add(CompareSeries(t.values, c["values"], api == "AdAdaGrad_norm_test", "values"));
  }
  if (c.contains("raw")) add(CompareSeries(t.raw, c["raw"], false, "raw"));
  if (c.contains("lrs_closed_form")) {
    json closed = c.at("kwargs");
    closed["closed_form"] = true;
    const Trace tc = RunSchedule(api, ParseJson(closed.dump(), "closed form kwargs"), setup);
    add(CompareGroups(tc.lrs, c["lrs_closed_form"], "lrs_closed_form"));
  }
  // A refinement case also checks our median filter against the stored smoothed series.
  if (protocol == "refinement_index" && c.contains("gnorms") && c.contains("gnorms_filtered")) {
    json raw_kwargs = c.at("kwargs");
    raw_kwargs["gnorms"] = c["gnorms"];
    const Trace tf = RunSchedule(api, ParseJson(raw_kwargs.dump(), "refinement from raw gnorms"), setup);
    add(CompareSeries(tf.values, c["values"], false, "values (from raw gnorms through the median filter)"));
  }
  return errors;
}

struct FolderResult {
  std::vector<std::string> failures;
  std::vector<std::pair<std::string, size_t>> cases_per_file;
};

// Runs every case of every *.json file in `dir`. A file with zero cases, an unknown scheduler id or a
// malformed file is a failure: nothing can pass by being skipped.
FolderResult RunGoldenFolder(const std::filesystem::path& dir) {
  FolderResult r;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) r.failures.push_back("no *.json files in " + dir.string());
  for (const auto& f : files) {
    const std::string fname = f.filename().string();
    std::ifstream in(f);
    json doc;
    try {
      doc = json::parse(in);
    } catch (const json::exception& e) {
      r.failures.push_back(fname + ": " + e.what());
      continue;
    }
    if (!doc.contains("cases") || !doc["cases"].is_array()) {
      r.failures.push_back(fname + " has no 'cases' array");
      continue;
    }
    size_t run = 0;
    for (const auto& c : doc["cases"]) {
      const std::string id = c.value("id", "<no id>");
      ++run;
      try {
        for (const auto& e : CheckCase(c)) r.failures.push_back(fname + " " + id + ": " + e);
      } catch (const std::exception& e) {
        r.failures.push_back(fname + " " + id + ": " + e.what());
      }
    }
    if (run == 0) r.failures.push_back(fname + " has zero cases");
    r.cases_per_file.emplace_back(fname, run);
  }
  return r;
}

TEST(TrainGoldenLr, EveryCaseOfEveryFileMatches) {
  const auto dir = testing::FindGoldenLrDir();
  if (!dir.problem.empty()) {
    if (testing::InCi() || dir.source == "SCHEDKIT_GOLDEN_LR") FAIL() << dir.problem;
    GTEST_SKIP() << dir.problem;
  }
  std::printf("golden LR folder (%s): %s\n", dir.source.c_str(), dir.path.c_str());
  const auto r = RunGoldenFolder(dir.path);
  size_t total = 0;
  for (const auto& [file, n] : r.cases_per_file) {
    std::printf("  %s: %zu cases run\n", file.c_str(), n);
    total += n;
  }
  std::printf("  total: %zu cases, %zu failures; %zu of %zu values bit-exact, max relative deviation %.3g\n", total,
              r.failures.size(), g_values_bit_exact, g_values_compared, g_max_rel_dev);
  for (const auto& f : r.failures) ADD_FAILURE() << f;
  EXPECT_GT(total, 0u);
}

// The checker itself: an empty file, an unknown scheduler id and a wrong value must each fail.
TEST(TrainGoldenLr, CheckerRejectsEmptyFilesUnknownIdsAndWrongValues) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("schedkit_golden_check_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const json good = {{"id", "StepLR/x"},
                     {"api", "torch.optim.lr_scheduler.StepLR"},
                     {"protocol", "torch_step"},
                     {"kwargs", {{"step_size", 1}, {"gamma", 0.5}}},
                     {"optimizer", {{"param_group_lrs", {1.0}}, {"defaults_lr", 1.0}, {"momentum", 0.0}}},
                     {"num_steps", 2},
                     {"lrs", {{1.0, 0.5, 0.25}}}};
  auto write = [&](const std::string& name, const json& cases) {
    std::ofstream(dir / name) << json{{"cases", cases}}.dump();
  };
  write("a_good.json", json::array({good}));
  EXPECT_TRUE(RunGoldenFolder(dir).failures.empty());
  write("b_empty.json", json::array());
  json unknown = good;
  unknown["api"] = "torch.optim.lr_scheduler.NoSuchLR";
  write("c_unknown.json", json::array({unknown}));
  json wrong = good;
  wrong["lrs"][0][2] = 0.25 * (1 + 1e-11);
  write("d_wrong.json", json::array({wrong}));
  const auto r = RunGoldenFolder(dir);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(r.failures.size(), 3u);
  EXPECT_NE(r.failures[0].find("zero cases"), std::string::npos) << r.failures[0];
  EXPECT_NE(r.failures[1].find("NoSuchLR"), std::string::npos) << r.failures[1];
  EXPECT_NE(r.failures[2].find("lrs[0][2]"), std::string::npos) << r.failures[2];
}

// The bundled copy (data/train/golden_lr) must not drift from the shared vectors.
TEST(TrainGoldenLr, BundledCopyMatchesShared) {
  namespace fs = std::filesystem;
  const fs::path shared = fs::path(SCHEDKIT_SHARED_DIR) / "golden" / "lr";
  const fs::path bundled = fs::path(SCHEDKIT_SOURCE_DIR) / "data" / "train" / "golden_lr";
  if (!fs::is_directory(shared)) {
    if (testing::InCi()) FAIL() << "CI=true but " << shared << " is missing";
    GTEST_SKIP() << "shared golden folder absent: " << shared;
  }
  size_t compared = 0;
  for (const auto& e : fs::directory_iterator(shared)) {
    if (e.path().extension() != ".json") continue;
    auto slurp = [](const fs::path& p) {
      std::ifstream in(p, std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), {});
    };
    EXPECT_EQ(slurp(e.path()), slurp(bundled / e.path().filename())) << e.path().filename() << " differs";
    ++compared;
  }
  EXPECT_EQ(compared, 4u);
}

}  // namespace
}  // namespace schedkit::train
