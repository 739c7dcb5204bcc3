// Each module registers its subcommands on the root CLI11 app (one file per module in apps/).
#pragma once

#include <CLI/CLI.hpp>

namespace schedkit::cli {

void AddServeCommands(CLI::App& app);      // simulate, capacity (cmd_serve.cpp)
void AddTrainCommands(CLI::App& app);      // lr (cmd_train.cpp)
void AddDiffusionCommands(CLI::App& app);  // diffusion (cmd_diffusion.cpp)
void AddGraphCommands(CLI::App& app);      // dag, soc, jssp (cmd_graph*.cpp)
void AddValidateCommands(CLI::App& app);   // validate (cmd_validate.cpp)
void AddCalibrateCommands(CLI::App& app);  // calibrate (cmd_calibrate.cpp)

}  // namespace schedkit::cli
