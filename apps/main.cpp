// schedkit: command-line entry point. Subcommands live in one file per module.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "commands.h"
#include "schedkit/util/error.h"

int main(int argc, char** argv) {
  CLI::App app{"schedkit: schedulers for machine-learning systems"};
  app.require_subcommand(1);
  schedkit::cli::AddServeCommands(app);
  schedkit::cli::AddTrainCommands(app);
  schedkit::cli::AddDiffusionCommands(app);
  schedkit::cli::AddGraphCommands(app);
  schedkit::cli::AddValidateCommands(app);
  schedkit::cli::AddCalibrateCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const schedkit::Error& e) {
    fmt::print(stderr, "schedkit: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "schedkit: internal error: {}\n", e.what());
    return 3;
  }
  return 0;
}
