// A small RFC 4180 CSV reader (quoted fields, "" escapes, CRLF or LF) and the number parsers the trace
// readers share. Every error names the file, line and column. Private to src/sim.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace schedkit::sim::detail {

// Reads the whole file; throws schedkit::Error naming it when it cannot be opened or read.
std::string ReadWholeFile(const std::string& path);

class CsvReader {
 public:
  // `text` must outlive the reader.
  CsvReader(std::string path, std::string_view text);

  // Reads the next record into `fields` (unquoted, untrimmed). Blank lines are skipped. Returns false at the
  // end.
  bool Next(std::vector<std::string>& fields);
  // File line (1-based) where the record last returned by Next starts.
  int64_t line() const { return record_line_; }
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void Fail(int64_t line, size_t column, const std::string& what) const;

  std::string path_;
  std::string_view text_;
  size_t pos_ = 0;
  int64_t next_line_ = 1;
  int64_t record_line_ = 0;
};

// Where a field sits, for error messages: "path:line: column N 'name'".
struct FieldRef {
  const std::string& path;
  int64_t line;
  size_t column;  // 1-based
  std::string_view name;
};

[[noreturn]] void FailField(const FieldRef& ref, const std::string& what);

// A non-negative token count that fits in int32. Accepts "12" and a pandas-style "12.0"; rejects anything
// else (sign, fraction, trailing text) naming the field.
int32_t ParseTokenCount(std::string_view text, const FieldRef& ref);
// A finite decimal number.
double ParseSeconds(std::string_view text, const FieldRef& ref);
// "YYYY-MM-DD HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]" (a 'T' may replace the space) as nanoseconds since the
// epoch.
int64_t ParseTimestampNs(std::string_view text, const FieldRef& ref);

std::string_view Trim(std::string_view text);
std::string Lowercase(std::string_view text);

}  // namespace schedkit::sim::detail
