// Helpers shared by the graph module's CLI files (cmd_graph_dag.cpp, cmd_graph_jssp.cpp, cmd_graph_soc.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "schedkit/graph/jssp_rules.h"

namespace schedkit::cli {

void AddDagCommands(CLI::App& app);   // dag schedule
void AddJsspCommands(CLI::App& app);  // jssp solve, bench, blocking, exact, learn
void AddSocCommands(CLI::App& app);   // soc simulate, table, learn

// Writes `text` to stdout when `path` is empty or "-", else to the file.
void WriteText(const std::string& text, const std::string& path);

bool EndsWith(const std::string& s, const std::string& suffix);

// Comma-separated numbers; empty items are skipped.
std::vector<double> ParseNumberList(const std::string& text, const char* flag);

// "all", "none", or comma-separated rule names.
std::vector<graph::DispatchRule> ParseRuleList(const std::string& text, const char* flag);

// The job-shop instance set (instances/ and bounds.csv), which is not shipped with schedkit: `flag_value`
// (--data), else $SCHEDKIT_SHARED_DIR/data/jssp; an error saying how to give it when neither is set.
std::string JsspDataDir(const std::string& flag_value);

}  // namespace schedkit::cli
