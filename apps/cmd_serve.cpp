// CLI subcommands of the serve module.
#include "commands.h"

namespace schedkit::cli {

void AddServeCommands(CLI::App& /*app*/) {}

}  // namespace schedkit::cli
