// `vtc`: Virtual Token Counter fairness (Sheng et al., OSDI 2024), after VTCReqQueue in the VTC artifact.
// Each client has a counter of weighted service received; admission takes the head of the backlogged client
// with the smallest counter. A client that becomes backlogged is lifted to the smallest counter among the
// other backlogged clients (the artifact's lift). Charges: input_weight x prompt tokens at first admission,
// output_weight per decode step (the first output token comes with the prefill and is not charged).
// Options: input_weight (1), output_weight (2), batching = sarathi | vllm-v1 | vllm (how iterations are
// built; default sarathi), preemption = recompute | swap.
// `lcf` (least counter first, the artifact's lcf_req_queue.py) is the same policy without the lift.
// `lcf` requires a client id on every request (RequestSpec::client) and names the field when one is missing;
// `vtc` lets requests without a client id share one anonymous client (the serving core's tests rely on it),
// but is registered as needing client ids: a deployment refuses it on a trace without them unless a client
// assignment rule is given.
#include <fmt/core.h>

#include <deque>
#include <limits>
#include <map>

#include "schedkit/serve/policy_registry.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

class VtcPolicy : public SchedulingPolicy {
 public:
  VtcPolicy(bool lift, OptionReader& reader) : name_(reader.policy()), lift_(lift) {
    input_weight_ = reader.Double("input_weight");
    output_weight_ = reader.Double("output_weight");
    const std::string batching = reader.String("batching");
    const std::string preemption = reader.String("preemption");
    reader.RejectUnknown();
    if (input_weight_ < 0 || output_weight_ < 0) {
      throw Error("policy " + name_ + ": input_weight and output_weight must be non-negative");
    }
    rules_ = BatchingOption(name_, batching);
    rules_.preemption = ParsePreemption(name_, preemption);
  }

  std::string_view name() const override { return name_; }
  BatchingRules rules() const override { return rules_; }

  void Enqueue(Request* r, const EngineView&) override {
    if (r->spec.client == kNoClient && !lift_) {
      throw Error(
          fmt::format("policy {}: request {} has no client id (field `client`); per-client fairness needs "
                      "one per request "
                      "(e.g. the simulator's workload.clients rule)",
                      name_, r->spec.id));
    }
    Client& c = clients_[r->spec.client];
    if (c.queue.empty()) Lift(r->spec.client, c);
    c.queue.push_back(r);
    ++num_waiting_;
  }
  void Requeue(Request* r) override {
    Client& c = clients_[r->spec.client];
    if (c.queue.empty()) Lift(r->spec.client, c);
    c.queue.push_front(r);
    ++num_waiting_;
  }
  Request* PeekWaiting() override {
    peeked_ = nullptr;
    double best = std::numeric_limits<double>::infinity();
    for (auto& [id, c] : clients_) {  // ordered by client id: ties go to the smallest id
      if (!c.queue.empty() && c.counter < best) {
        best = c.counter;
        peeked_ = &c;
      }
    }
    return peeked_ == nullptr ? nullptr : peeked_->queue.front();
  }
  void PopWaiting() override {
    peeked_->queue.pop_front();
    --num_waiting_;
  }
  void RemoveWaiting(Request* r) override { num_waiting_ -= std::erase(clients_[r->spec.client].queue, r); }
  size_t num_waiting() const override { return num_waiting_; }

  void OnScheduled(ScheduledBatch batch) override {
    Client* c = nullptr;
    ClientId last = kNoClient;
    for (const ScheduledView s : batch) {
      const Request& r = *s.request;
      if (c == nullptr || r.spec.client != last) {  // consecutive requests often share a client
        c = &clients_[r.spec.client];
        last = r.spec.client;
      }
      if (s.admitted && r.num_preemptions == 0 && s.context_tokens == 0) {
        c->counter += input_weight_ * r.spec.prompt_tokens;
      } else if (s.is_decode) {
        c->counter += output_weight_;
      }
    }
  }

  // Counter of a client (for tests and metrics); 0 for an unknown client.
  double counter(ClientId id) const {
    auto it = clients_.find(id);
    return it == clients_.end() ? 0.0 : it->second.counter;
  }

 private:
  struct Client {
    double counter = 0.0;
    std::deque<Request*> queue;
  };

  void Lift(ClientId id, Client& c) {
    if (!lift_) return;
    double lowest = std::numeric_limits<double>::infinity();
    for (const auto& [other, oc] : clients_) {
      if (other != id && !oc.queue.empty()) lowest = std::min(lowest, oc.counter);
    }
    if (lowest != std::numeric_limits<double>::infinity()) c.counter = std::max(c.counter, lowest);
  }

  std::string name_;
  bool lift_ = true;
  BatchingRules rules_;
  double input_weight_ = 1.0;
  double output_weight_ = 2.0;
  std::map<ClientId, Client> clients_;
  Client* peeked_ = nullptr;
  size_t num_waiting_ = 0;
};

std::vector<PolicyOptionInfo> CounterOptions() {
  return {
      {"input_weight", "1", "counter charge per prompt token, at first admission"},
      {"output_weight", "2", "counter charge per decode step"},
      BatchingOptionInfo(),
      PreemptionOption("recompute"),
  };
}

const PolicyRegistration kVtcRegistration{PolicyInfo{
    .name = "vtc",
    .description =
        "VTC (Sheng et al., OSDI 2024): fair share across clients by virtual token counters, with lift",
    .needs_client_ids = true,
    .options = CounterOptions(),
    .make = [](OptionReader& options) { return std::make_unique<VtcPolicy>(/*lift=*/true, options); },
}};

const PolicyRegistration kLcfRegistration{PolicyInfo{
    .name = "lcf",
    .description = "LCF (the VTC artifact's baseline): least client counter first, without the lift",
    .needs_client_ids = true,
    .options = CounterOptions(),
    .make = [](OptionReader& options) { return std::make_unique<VtcPolicy>(/*lift=*/false, options); },
}};

}  // namespace

}  // namespace schedkit::serve
