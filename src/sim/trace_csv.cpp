#include "trace_csv.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "schedkit/util/error.h"

namespace schedkit::sim::detail {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open the trace file: {}", path, std::strerror(errno)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("{}: cannot read the trace file", path));
  return std::move(buffer).str();
}

CsvReader::CsvReader(std::string path, std::string_view text) : path_(std::move(path)), text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte-order mark
}

void CsvReader::Fail(int64_t line, size_t column, const std::string& what) const {
  throw Error(fmt::format("{}:{}: column {}: {}", path_, line, column, what));
}

bool CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  // Skip blank lines (they carry no data; a trailing newline at the end of the file is one).
  while (pos_ < text_.size()) {
    if (text_[pos_] == '\n') {
      ++pos_;
      ++next_line_;
    } else if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++next_line_;
    } else {
      break;
    }
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = next_line_;
  while (true) {
    std::string& field = fields.emplace_back();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const int64_t quote_line = next_line_;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) Fail(quote_line, fields.size(), "unterminated quoted field");
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.push_back('"');
            ++pos_;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++next_line_;
          field.push_back(c);
        }
      }
      while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
          !(text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n')) {
        Fail(next_line_, fields.size(), fmt::format("unexpected '{}' after a closing quote", text_[pos_]));
      }
    } else {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n') ++pos_;
      size_t end = pos_;
      if (end > start && pos_ < text_.size() && text_[pos_] == '\n' && text_[end - 1] == '\r') --end;  // CRLF
      field.assign(text_.substr(start, end - start));
    }
    if (pos_ >= text_.size()) return true;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // End of record: "\n" or "\r\n" (the '\r' of an unquoted field was dropped above).
    if (text_[pos_] == '\r') ++pos_;
    ++pos_;
    ++next_line_;
    return true;
  }
}

void FailField(const FieldRef& ref, const std::string& what) {
  throw Error(fmt::format("{}:{}: column {} '{}': {}", ref.path, ref.line, ref.column, ref.name, what));
}

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int32_t ParseTokenCount(std::string_view raw, const FieldRef& ref) {
  const std::string_view text = Trim(raw);
  if (text.empty()) FailField(ref, "empty field, expected a token count");
  int64_t value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec == std::errc::result_out_of_range) FailField(ref, fmt::format("'{}' is out of range", text));
  if (ec != std::errc() || ptr == first)
    FailField(ref, fmt::format("'{}' is not an integer token count", text));
  const char* rest = ptr;
  if (rest != last && *rest == '.') {  // pandas writes integral floats as "12.0"
    ++rest;
    while (rest != last && *rest == '0') ++rest;
    if (rest == ptr + 1) rest = ptr;  // a bare "12." is not accepted
  }
  if (rest != last) FailField(ref, fmt::format("'{}' is not an integer token count", text));
  if (value < 0) FailField(ref, fmt::format("negative length {}", value));
  if (value > std::numeric_limits<int32_t>::max())
    FailField(ref, fmt::format("length {} is too large", value));
  return static_cast<int32_t>(value);
}

double ParseSeconds(std::string_view raw, const FieldRef& ref) {
  std::string_view text = Trim(raw);
  if (text.empty()) FailField(ref, "empty field, expected a time");
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    FailField(ref, fmt::format("'{}' is not a finite number of seconds", Trim(raw)));
  }
  return value;
}

namespace {

// Days from 1970-01-01 to a proleptic Gregorian date (the standard era-based civil calendar arithmetic).
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// Reads exactly `digits` decimal digits at text[pos].
bool ReadDigits(std::string_view text, size_t& pos, int digits, int64_t& value) {
  if (pos + static_cast<size_t>(digits) > text.size()) return false;
  value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = text[pos + static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += static_cast<size_t>(digits);
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

int64_t ParseTimestampNs(std::string_view raw, const FieldRef& ref) {
  const std::string_view text = Trim(raw);
  const auto fail = [&]() {
    FailField(ref, fmt::format("'{}' is not a timestamp of the form YYYY-MM-DD HH:MM:SS[.fraction]", text));
  };
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, month) ||
      !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, day)) {
    fail();
  }
  if (pos >= text.size() || (text[pos] != ' ' && text[pos] != 'T')) fail();
  ++pos;
  if (!ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, minute) ||
      !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, second)) {
    fail();
  }
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDaysInMonth[month - 1] || hour > 23 || minute > 59 ||
      second > 60) {
    fail();
  }
  int64_t fraction_ns = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) fraction_ns = fraction_ns * 10 + (text[pos] - '0');  // beyond 1 ns: ignored
      ++digits;
      ++pos;
    }
    if (digits == 0) fail();
    for (int i = digits; i < 9; ++i) fraction_ns *= 10;
  }
  int64_t offset_s = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      const int64_t sign = text[pos] == '+' ? 1 : -1;
      ++pos;
      int64_t offset_h = 0, offset_m = 0;
      if (!ReadDigits(text, pos, 2, offset_h) || !Expect(text, pos, ':') ||
          !ReadDigits(text, pos, 2, offset_m)) {
        fail();
      }
      offset_s = sign * (offset_h * 3600 + offset_m * 60);
    }
  }
  if (pos != text.size()) fail();
  const int64_t seconds =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return seconds * 1'000'000'000 + fraction_ns;
}

}  // namespace schedkit::sim::detail
