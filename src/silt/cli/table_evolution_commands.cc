// silt table alter: schema evolution of a table (add a column, rename one, widen one's type),
// each a single metadata commit; see table_cli.h and docs/TABLES.md.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "silt/cli/table_cli.h"
#include "silt/table/schema_evolution.h"

namespace silt::cli {

namespace {

constexpr const char* kAlterUsage =
    "silt table alter ns.t add-column NAME TYPE [--doc TEXT] | rename-column OLD NEW | "
    "widen-column NAME TYPE";

// The change words after the table name.
Result<table::AlterTableRequest> ParseChange(const std::string& identifier,
                                             const std::vector<std::string>& words,
                                             const std::string& doc) {
  table::AlterTableRequest req;
  req.identifier = identifier;
  auto usage = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("{} (usage: {})", why, kAlterUsage));
  };
  if (words.empty()) return usage("say what to change");
  const std::string& verb = words[0];
  auto join_from = [&](size_t i) {
    std::string t;
    for (; i < words.size(); ++i) t += (t.empty() ? "" : " ") + words[i];
    return t;
  };
  if (verb == "add-column" || verb == "widen-column") {
    if (words.size() < 3) return usage(fmt::format("{} takes a column name and a type", verb));
    req.kind = verb == "add-column" ? table::AlterKind::kAddColumn : table::AlterKind::kWidenColumn;
    req.column = words[1];
    req.type = join_from(2);  // "TIMESTAMP WITH TIME ZONE" may come as several words
  } else if (verb == "rename-column") {
    // rename-column OLD NEW, or Trino's word order rename-column OLD to NEW.
    if (words.size() == 4 && (words[2] == "to" || words[2] == "TO")) {
      req.new_name = words[3];
    } else if (words.size() == 3) {
      req.new_name = words[2];
    } else {
      return usage("rename-column takes the old and the new name");
    }
    req.kind = table::AlterKind::kRenameColumn;
    req.column = words[1];
  } else {
    return usage(fmt::format("unknown change '{}'", verb));
  }
  if (!doc.empty() && req.kind != table::AlterKind::kAddColumn) {
    return usage("--doc goes with add-column");
  }
  req.doc = doc;
  return req;
}

}  // namespace

void AddTableEvolution(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier, doc;
    std::vector<std::string> change;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "alter",
      "Change a table's schema in one metadata commit (no data file is rewritten; files\n"
      "written before read by field id under the new schema):\n"
      "  silt table alter logs.access add-column region VARCHAR [--doc 'AWS region']\n"
      "  silt table alter logs.access rename-column key to object_key\n"
      "  silt table alter logs.access widen-column http_status BIGINT\n"
      "Added columns are optional (NULL in older rows). Widening: INTEGER -> BIGINT,\n"
      "FLOAT -> DOUBLE (Iceberg also allows a wider decimal precision: 'decimal(12,2)').\n"
      "Appends evolve the schema by themselves: see --schema-mode on silt table append.");
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  cmd->add_option("change", o->change,
                  "add-column NAME TYPE | rename-column OLD [to] NEW | widen-column NAME TYPE")
      ->required();
  cmd->add_option("--doc", o->doc, "With add-column: the column's documentation");
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    SILT_ASSIGN_OR_RETURN(table::AlterTableRequest req, ParseChange(o->identifier, o->change, o->doc));
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    SILT_ASSIGN_OR_RETURN(table::AlterTableResult r, table::AlterIcebergTable(*wh, req));
    fmt::print("{}: {}\n", o->identifier, r.change);
    fmt::print("  schema    {}\n", r.commit.metadata.current_schema_id);
    fmt::print("  metadata  {}\n", r.commit.metadata_location);
    return Status::OK();
  });
}

}  // namespace silt::cli
