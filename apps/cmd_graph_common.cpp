#include "cmd_graph_common.h"

#include <fmt/core.h>

#include <cstdlib>
#include <fstream>

#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::cli {

void WriteText(const std::string& text, const std::string& path) {
  if (path.empty() || path == "-") {
    fmt::print("{}", text);
    return;
  }
  std::ofstream out(path);
  if (!out) throw Error(fmt::format("cannot write '{}'", path));
  out << text;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<double> ParseNumberList(const std::string& text, const char* flag) {
  std::vector<double> out;
  for (std::string_view item : util::SplitNonEmpty(text, ',')) out.push_back(util::ParseDouble(item, flag));
  return out;
}

std::vector<graph::DispatchRule> ParseRuleList(const std::string& text, const char* flag) {
  if (text == "all") return graph::AllDispatchRules();
  std::vector<graph::DispatchRule> rules;
  if (text == "none") return rules;
  for (std::string_view name : util::SplitList(text, ',')) {
    rules.push_back(graph::ParseDispatchRule(std::string(name), flag));
  }
  return rules;
}

std::string JsspDataDir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* shared = std::getenv("SCHEDKIT_SHARED_DIR"); shared != nullptr && *shared != '\0') {
    return std::string(shared) + "/data/jssp";
  }
  throw Error(
      "no job-shop instance set: give --data DIR (a folder with instances/ and bounds.csv) or set "
      "SCHEDKIT_SHARED_DIR (the folder holding data/jssp)");
}

}  // namespace schedkit::cli
