#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>

#include "schedkit/sim/report.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {

namespace fs = std::filesystem;

ReportWriter::ReportWriter(std::string output_dir) : dir_(std::move(output_dir)) {
  if (fs::exists(dir_) && !fs::is_directory(dir_)) {
    throw Error(fmt::format("output {}: exists and is not a folder", dir_));
  }
  const fs::path dir(dir_);
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  staging_ = (parent / fmt::format(".{}.partial-{}", dir.filename().string(), getpid())).string();
  std::error_code ec;
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_, ec);
  if (ec) throw Error(fmt::format("output {}: cannot create a folder beside it ({})", dir_, ec.message()));
}

ReportWriter::~ReportWriter() {
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void ReportWriter::AddRun(const std::string& label, const SimulationResult& result) {
  const std::string dir = staging_ + "/" + label;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("output {}: cannot create {} ({})", dir_, label, ec.message()));
  WriteRequestCsv(dir + "/request_metrics.csv", result.records);
  WriteTimelineCsv(dir + "/timeline.csv", result.timeline);
  labels_.push_back(label);
}

void ReportWriter::Commit(const std::vector<Summary>& summaries, const std::string& config_json) {
  WriteSummaryJson(staging_ + "/summary.json", summaries, config_json);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error(fmt::format("output {}: cannot create the folder ({})", dir_, ec.message()));
  std::vector<std::string> items = labels_;
  items.push_back("summary.json");
  for (const std::string& item : items) {
    const fs::path target = fs::path(dir_) / item;
    fs::remove_all(target, ec);
    fs::rename(fs::path(staging_) / item, target, ec);
    if (ec) throw Error(fmt::format("output {}: cannot move {} into place ({})", dir_, item, ec.message()));
  }
}

}  // namespace schedkit::sim
