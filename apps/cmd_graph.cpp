// CLI subcommands of the graph module: dag (static DAG scheduling), jssp (job shop), soc (SoC simulator),
// one file per command family.
#include "cmd_graph_common.h"
#include "commands.h"

namespace schedkit::cli {

void AddGraphCommands(CLI::App& app) {
  AddSocCommands(app);
  AddDagCommands(app);
  AddJsspCommands(app);
}

}  // namespace schedkit::cli
