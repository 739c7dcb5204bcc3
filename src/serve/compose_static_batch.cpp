// kStaticBatch (FasterTransformer): a batch of whole prompts runs until all its requests finish; only then
// is the next one admitted (no skip is reported meanwhile: admission is not attempted).
#include "compose.h"

namespace schedkit::serve {

void ComposeStaticBatch(BatchBuilder& b) {
  if (!b.running().empty()) {
    ScheduleAllDecodes(b);
    return;
  }
  AdmitWholePrompts(b, 0);
}

}  // namespace schedkit::serve
