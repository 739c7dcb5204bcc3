// The decision trace: one JSON line per scheduler decision of a run (admit, skip with its reason, preempt
// with the victim and why, reject, finish with its reason), so that anyone can see why a request waited or
// was preempted without a debugger. Lines are written in event order; the file appears only when the run
// completes (it is written to FILE.tmp and renamed), never half-written.
#pragma once

#include <cstdio>
#include <string>

#include "schedkit/sim/simulator.h"

namespace schedkit::sim {

class DecisionTraceWriter : public SimulationObserver {
 public:
  // The label (the policy) is written on every line, so that the runs of several policies share one file.
  explicit DecisionTraceWriter(const std::string& path);
  ~DecisionTraceWriter() override;
  DecisionTraceWriter(const DecisionTraceWriter&) = delete;
  DecisionTraceWriter& operator=(const DecisionTraceWriter&) = delete;

  void set_label(std::string label) { label_ = std::move(label); }
  bool wants_decisions() const override { return true; }
  void OnDecision(int32_t replica, const serve::Decision& decision) override;
  // Flushes and moves the file into place; throws schedkit::Error when the write failed.
  void Commit();
  int64_t num_lines() const { return num_lines_; }

 private:
  std::string path_, tmp_, label_;
  std::FILE* file_ = nullptr;
  int64_t num_lines_ = 0;
};

// The JSON line of one decision (no trailing newline).
std::string DecisionJson(const std::string& label, int32_t replica, const serve::Decision& decision);

}  // namespace schedkit::sim
