// CLI subcommands of the train module.
#include "commands.h"

namespace schedkit::cli {

void AddTrainCommands(CLI::App& /*app*/) {}

}  // namespace schedkit::cli
