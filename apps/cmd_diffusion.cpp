// CLI subcommands of the diffusion module.
#include "commands.h"

namespace schedkit::cli {

void AddDiffusionCommands(CLI::App& /*app*/) {}

}  // namespace schedkit::cli
