// The silt command line: one function per subcommand, wired up in main.cc.
#pragma once

#include <CLI/CLI.hpp>

namespace silt::cli {

// Adds the subcommands to `app`. Each stores its exit code into `*exit_code` when it runs.
void AddConvert(CLI::App& app, int* exit_code);
void AddSql(CLI::App& app, int* exit_code);
void AddGen(CLI::App& app, int* exit_code);
void AddFormats(CLI::App& app, int* exit_code);
void AddDetect(CLI::App& app, int* exit_code);
void AddCp(CLI::App& app, int* exit_code);
// silt table create|list|describe|history|snapshots|files|append|drop (table_commands.cc).
void AddTable(CLI::App& app, int* exit_code);

}  // namespace silt::cli
