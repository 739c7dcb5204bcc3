// Parity with the reference implementations: every case of every *.json file in the golden folder (see
// golden_dir.h) must match within 1e-12 relative (1e-15 absolute near zero); integer fields exactly.
#include <gtest/gtest.h>

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

bool Close(double got, double want) {
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

TEST(TrainGoldenLr, EveryCaseOfEveryFileMatches) {
  const auto dir = testing::FindGoldenLrDir();
  if (!dir.problem.empty()) {
    if (testing::InCi() || dir.source == "SCHEDKIT_GOLDEN_LR") FAIL() << dir.problem;
    GTEST_SKIP() << dir.problem;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty()) << "no *.json files in " << dir.path;
  std::printf("golden LR folder (%s): %s\n", dir.source.c_str(), dir.path.c_str());
  for (const auto& f : files) {
    std::ifstream in(f);
    ASSERT_TRUE(in) << "cannot open " << f;
    json doc;
    try {
      doc = json::parse(in);
    } catch (const json::exception& e) {
      FAIL() << f << ": " << e.what();
    }
    ASSERT_TRUE(doc.contains("cases") && doc["cases"].is_array()) << f << " has no 'cases' array";
    size_t run = 0, passed = 0;
    for (const auto& c : doc["cases"]) {
      const std::string id = c.value("id", "<no id>");
      ++run;
      try {
        const auto errors = CheckCase(c);
        for (const auto& e : errors) ADD_FAILURE() << f.filename() << " " << id << ": " << e;
        if (errors.empty()) ++passed;
      } catch (const Error& e) {
        ADD_FAILURE() << f.filename() << " " << id << ": " << e.what();
      } catch (const std::exception& e) {
        ADD_FAILURE() << f.filename() << " " << id << ": " << e.what();
      }
    }
    std::printf("  %s: %zu cases run, %zu passed\n", f.filename().c_str(), run, passed);
    EXPECT_GT(run, 0u) << f << " has zero cases";
  }
}

}  // namespace
}  // namespace schedkit::train
