#include "schedkit/graph/text_lines.h"

#include <fmt/core.h>

#include <cstdint>
#include <fstream>

#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

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

int64_t LineReader::Int(std::string_view word, const char* what) const {
  return util::ParseInt64(word, fmt::format("{}:{}: {}", source_, line_, what));
}

int32_t LineReader::Int32(std::string_view word, const char* what) const {
  return util::ParseInt32(word, fmt::format("{}:{}: {}", source_, line_, what));
}

double LineReader::Number(std::string_view word, const char* what) const {
  return util::ParseDouble(word, fmt::format("{}:{}: {}", source_, line_, what));
}

std::ifstream OpenInput(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot open '{}'", path));
  return in;
}

}  // namespace schedkit::graph
