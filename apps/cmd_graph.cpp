// CLI subcommands of the graph module.
#include "commands.h"

namespace schedkit::cli {

void AddGraphCommands(CLI::App& /*app*/) {}

}  // namespace schedkit::cli
