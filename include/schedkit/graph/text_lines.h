// Small helpers shared by the text readers: whitespace tokenising and strict number parsing with
// "file:line" messages.
#pragma once

#include <cstdint>
#include <fstream>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace schedkit::graph {

std::vector<std::string_view> SplitWords(std::string_view line);

// Reads one line at a time and remembers its number, for error messages.
class LineReader {
 public:
  LineReader(std::istream& in, std::string source) : in_(in), source_(std::move(source)) {}
  // Next line (without the newline); false at end of input.
  bool Next(std::string& line);
  int line_number() const { return line_; }
  const std::string& source() const { return source_; }
  // "source:line: message"
  [[noreturn]] void Fail(const std::string& message) const;
  // The whole word as a number (util/parse.h rules); errors read "source:line: what: ...".
  int64_t Int(std::string_view word, const char* what) const;
  int32_t Int32(std::string_view word, const char* what) const;  // also range-checked to int32_t
  double Number(std::string_view word, const char* what) const;

 private:
  std::istream& in_;
  std::string source_;
  int line_ = 0;
};

// Opens a file for reading or throws schedkit::Error naming it.
std::ifstream OpenInput(const std::string& path);

}  // namespace schedkit::graph
