#include "schedkit/serve/decision.h"

namespace schedkit::serve {

std::string_view DecisionKindName(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kAdmit:
      return "admit";
    case DecisionKind::kSkip:
      return "skip";
    case DecisionKind::kPreempt:
      return "preempt";
    case DecisionKind::kReject:
      return "reject";
    case DecisionKind::kFinish:
      return "finish";
  }
  return "?";
}

std::string_view DecisionReasonName(DecisionReason reason) {
  switch (reason) {
    case DecisionReason::kNone:
      return "";
    case DecisionReason::kKv:
      return "kv";
    case DecisionReason::kWatermark:
      return "watermark";
    case DecisionReason::kBudget:
      return "budget";
    case DecisionReason::kBatchCap:
      return "batch_cap";
    case DecisionReason::kPolicy:
      return "policy";
    case DecisionReason::kPrefixChanged:
      return "prefix_changed";
    case DecisionReason::kOutranked:
      return "outranked";
    case DecisionReason::kMaxModelLen:
      return "max_model_len";
    case DecisionReason::kTooLarge:
      return "too_large";
    case DecisionReason::kRefused:
      return "refused";
  }
  return "?";
}

std::string_view FinishReasonName(FinishReason reason) {
  switch (reason) {
    case FinishReason::kNone:
      return "";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kAborted:
      return "aborted";
    case FinishReason::kRejected:
      return "rejected";
  }
  return "?";
}

}  // namespace schedkit::serve
