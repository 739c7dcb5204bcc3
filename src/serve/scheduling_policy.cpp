#include <fmt/core.h>

#include "schedkit/serve/policy.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {

void SchedulingPolicy::RemoveWaiting(Request* request) {
  throw Error(fmt::format("policy {} cannot remove waiting request {} (it does not implement RemoveWaiting)",
                          name(), request->spec.id));
}

}  // namespace schedkit::serve
