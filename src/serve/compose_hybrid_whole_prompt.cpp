// kHybridWholePrompt (Orca): every running request decodes, then whole prompts join while the batch's tokens
// stay within the budget.
#include "compose.h"

namespace schedkit::serve {

void ComposeHybridWholePrompt(BatchBuilder& b) {
  ScheduleAllDecodes(b);
  AdmitWholePrompts(b, static_cast<int64_t>(b.num_scheduled()));
}

}  // namespace schedkit::serve
