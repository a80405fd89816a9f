// Shared pieces of the `silt table` subcommands (table_commands.cc and the
// table_*_commands.cc files that add more subcommands to `silt table`).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "silt/common/status.h"
#include "silt/table/warehouse.h"

namespace silt::cli {

// Prints "silt: error: <message>" and returns the exit code: 2 usage (InvalidArgument),
// 3 not found, 4 permission denied, 1 anything else.
int TableFail(const Status& s);

// --warehouse / --catalog, on every table subcommand.
struct WarehouseFlags {
  std::string warehouse;
  std::string catalog;
};
void AddWarehouseFlags(CLI::App* cmd, WarehouseFlags* f);
// Opens the warehouse the flags name; `create` makes a missing local folder.
Result<std::unique_ptr<table::Warehouse>> OpenWarehouse(const WarehouseFlags& f, bool create);

// "2024-05-01 12:00:00.123 UTC" for milliseconds since the epoch.
std::string TimeMs(int64_t ms);
// Rows as aligned columns under a header, on standard output.
void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// Runs `run` when `cmd` is chosen and stores its exit code (0, or TableFail's) in *exit_code.
void OnRun(CLI::App* cmd, int* exit_code, std::function<Status()> run);

// Subcommand groups of `silt table`, each in its own file.
void AddTableRewrite(CLI::App* table, int* exit_code);      // delete / overwrite / compact
void AddTableMaintenance(CLI::App* table, int* exit_code);  // expire / remove-orphans
void AddTableEvolution(CLI::App* table, int* exit_code);    // alter (add, widen, rename)

}  // namespace silt::cli
