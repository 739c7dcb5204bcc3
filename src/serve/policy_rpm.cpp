// `rpm`: per-client requests-per-minute limit (the VTC artifact's lshare_req_queue.py baseline): a request
// arriving when its client already had `rate_limit` requests accepted in the last `window` seconds is
// rejected; accepted requests are served first-come-first-served. Every request needs a client id.
// Options: rate_limit (20), window (60 s), batching = sarathi | vllm-v1 | vllm, preemption = recompute |
// swap.
#include <fmt/core.h>

#include <deque>
#include <map>

#include "schedkit/serve/fcfs_queue.h"
#include "schedkit/serve/policy_registry.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

class RpmPolicy : public SchedulingPolicy {
 public:
  RpmPolicy(BatchingRules rules, int64_t limit, double window)
      : rules_(rules), limit_(limit), window_(window) {}
  std::string_view name() const override { return "rpm"; }
  BatchingRules rules() const override { return rules_; }

  bool Accept(const Request& r, const EngineView& engine) override {
    if (r.spec.client == kNoClient) {
      throw Error(
          fmt::format("policy rpm: request {} has no client id (field `client`); a per-client rate "
                      "limit needs one per request (e.g. the simulator's workload.clients rule)",
                      r.spec.id));
    }
    std::deque<double>& times = accepted_[r.spec.client];
    while (!times.empty() && times.front() <= engine.now - window_) times.pop_front();
    if (static_cast<int64_t>(times.size()) >= limit_) return false;
    times.push_back(engine.now);
    return true;
  }
  void Enqueue(Request* r, const EngineView&) override { queue_.PushBack(r); }
  void Requeue(Request* r) override { queue_.PushFront(r); }
  Request* PeekWaiting() override { return queue_.Front(); }
  void PopWaiting() override { queue_.PopFront(); }
  void RemoveWaiting(Request* r) override { queue_.Remove(r); }
  size_t num_waiting() const override { return queue_.size(); }

 private:
  BatchingRules rules_;
  int64_t limit_;
  double window_;
  FcfsQueue queue_;
  std::map<ClientId, std::deque<double>> accepted_;
};

std::unique_ptr<SchedulingPolicy> MakeRpm(OptionReader& reader) {
  const int64_t limit = reader.Int("rate_limit");
  const double window = reader.Double("window");
  const std::string batching = reader.String("batching");
  const std::string preemption = reader.String("preemption");
  reader.RejectUnknown();
  if (limit < 1) throw Error(fmt::format("policy rpm: option rate_limit={} must be at least 1", limit));
  if (!(window > 0)) throw Error(fmt::format("policy rpm: option window={} must be positive", window));
  BatchingRules rules = BatchingOption("rpm", batching);
  rules.preemption = ParsePreemption("rpm", preemption);
  return std::make_unique<RpmPolicy>(rules, limit, window);
}

const PolicyRegistration kRpmRegistration{PolicyInfo{
    .name = "rpm",
    .description =
        "RPM (the VTC artifact's baseline): per-client requests-per-minute limit, FCFS among accepted",
    .needs_client_ids = true,
    .options =
        {
            {"rate_limit", "20", "requests a client may have accepted per window"},
            {"window", "60", "length of the rate window, in seconds"},
            BatchingOptionInfo(),
            PreemptionOption("recompute"),
        },
    // The default limit would reject most of the benchmark's deep queue.
    .bench_variants = {{"rpm", {{"rate_limit", "1000000"}}}},
    .make = MakeRpm,
}};

}  // namespace

}  // namespace schedkit::serve
