// Writing a workload as a Vidur trace_replay CSV.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {

void WriteVidurTrace(const std::string& path, const std::vector<serve::RequestSpec>& requests) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(fmt::format("{}: cannot write the trace: {}", path, std::strerror(errno)));
  out << "arrived_at,num_prefill_tokens,num_decode_tokens\n";
  std::string line;
  for (const serve::RequestSpec& r : requests) {
    line.clear();
    fmt::format_to(std::back_inserter(line), "{:.9f},{},{}\n", r.arrival_time, r.prompt_tokens,
                   r.output_tokens);
    out << line;
  }
  out.flush();
  if (!out) throw Error(fmt::format("{}: cannot write the trace: {}", path, std::strerror(errno)));
}

}  // namespace schedkit::sim
