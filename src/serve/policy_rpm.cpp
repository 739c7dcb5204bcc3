// `rpm`: per-client requests-per-minute limit (the VTC artifact's lshare_req_queue.py baseline): a request
// arriving when its client already had `rate_limit` requests accepted in the last `window` seconds is
// rejected; accepted requests are served first-come-first-served. Every request needs a client id.
// Options: rate_limit (20), window (60 s), batching = sarathi | vllm-v1 | vllm, preemption = recompute |
// swap.
#include <fmt/core.h>

#include <deque>
#include <map>

#include "policies.h"
#include "schedkit/serve/fcfs_queue.h"
#include "schedkit/serve/policy_options.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {

BatchingRules::Preemption ParsePreemption(std::string_view policy, const std::string& value);

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
                      "limit needs one per request (e.g. the simulator's --clients assignment)",
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

}  // namespace

std::unique_ptr<SchedulingPolicy> MakeRpmPolicy(const PolicyOptions& options) {
  OptionReader reader("rpm", options);
  const int64_t limit = reader.Int("rate_limit", 20);
  const double window = reader.Double("window", 60.0);
  const std::string batching = reader.String("batching", "sarathi");
  const std::string preemption = reader.String("preemption", "recompute");
  reader.RejectUnknown();
  if (limit < 1) throw Error(fmt::format("policy rpm: option rate_limit={} must be at least 1", limit));
  if (!(window > 0)) throw Error(fmt::format("policy rpm: option window={} must be positive", window));
  BatchingRules rules;
  if (batching == "sarathi") {
    rules = MakeSarathiPolicy({})->rules();
  } else if (batching == "vllm-v1") {
    rules = MakeVllmV1Policy({})->rules();
  } else if (batching == "vllm") {
    rules = MakeVllmPolicy({})->rules();
  } else {
    throw Error("policy rpm: option batching=" + batching + " must be sarathi, vllm-v1 or vllm");
  }
  rules.preemption = ParsePreemption("rpm", preemption);
  return std::make_unique<RpmPolicy>(rules, limit, window);
}

}  // namespace schedkit::serve
