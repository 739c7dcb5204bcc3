#include "schedkit/graph/text_lines.h"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <fstream>

#include "schedkit/util/error.h"

namespace schedkit::graph {

std::vector<std::string_view> SplitWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) words.push_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

bool LineReader::Next(std::string& line) {
  if (!std::getline(in_, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF files
  ++line_;
  return true;
}

void LineReader::Fail(const std::string& message) const {
  throw Error(fmt::format("{}:{}: {}", source_, line_, message));
}

long long LineReader::Int(std::string_view word, const char* what) const {
  long long v = 0;
  const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || ptr != word.data() + word.size()) {
    Fail(fmt::format("expected an integer {}, found '{}'", what, word));
  }
  return v;
}

double LineReader::Number(std::string_view word, const char* what) const {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || ptr != word.data() + word.size() || !std::isfinite(v)) {
    Fail(fmt::format("expected a number {}, found '{}'", what, word));
  }
  return v;
}

std::ifstream OpenInput(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot open '{}'", path));
  return in;
}

}  // namespace schedkit::graph
