// silt table expire | remove-orphans: snapshot expiry and orphan-file cleanup (see table_cli.h,
// src/silt/table/table_maintenance.h and docs/TABLES.md "Maintenance").
#include <cctype>
#include <cstdint>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "silt/cli/table_cli.h"
#include "silt/common/strings.h"
#include "silt/table/table_maintenance.h"

namespace silt::cli {
namespace {

// "7d", "12h", "30m", "90s", "0s", "1500ms" (a bare number is seconds) -> milliseconds.
Result<int64_t> ParseAge(const std::string& flag, const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  const std::string unit = text.substr(i);
  int64_t mult = 0;
  if (unit.empty() || unit == "s") mult = 1000;
  else if (unit == "ms") mult = 1;
  else if (unit == "m" || unit == "min") mult = 60'000;
  else if (unit == "h") mult = 3'600'000;
  else if (unit == "d") mult = 86'400'000;
  else if (unit == "w") mult = 7 * 86'400'000LL;
  if (i == 0 || i > 12 || mult == 0) {
    return Status::InvalidArgument(fmt::format(
        "{} '{}' is not an age: a number with a unit, e.g. 7d, 12h, 30m, 90s, 0s", flag, text));
  }
  return std::stoll(text.substr(0, i)) * mult;
}

std::string Plural(size_t n, const char* what) {
  return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
}

void AddTableExpire(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier, older_than = "7d";
    int retain_last = 1;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "expire",
      "Expire old snapshots: drop the snapshots committed before --older-than from the table's\n"
      "metadata (always keeping the newest --retain-last of the current history and every\n"
      "snapshot a branch or tag points to), commit that through the catalog, and only then\n"
      "delete the manifest lists, manifests and data files no remaining snapshot uses:\n"
      "  silt table expire logs.access                      # older than 7 days, keep 1\n"
      "  silt table expire logs.access --older-than 1d --retain-last 10\n"
      "Time travel to an expired snapshot is no longer possible. Bookmarks of `silt convert\n"
      "--table` survive: when a source's newest snapshot expires, its bookmark moves to the\n"
      "table property silt.bookmark.<source>, so re-runs still skip what was committed.");
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  cmd->add_option("--older-than", o->older_than,
                  "Expire snapshots committed longer ago than this (7d, 12h, 30m, 0s)")
      ->capture_default_str();
  cmd->add_option("--retain-last", o->retain_last,
                  "Always keep this many newest snapshots of the current history (>= 1)")
      ->capture_default_str();
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    table::ExpireRequest req;
    SILT_ASSIGN_OR_RETURN(req.older_than_ms, ParseAge("--older-than", o->older_than));
    req.retain_last = o->retain_last;
    if (req.retain_last < 1) {
      return Status::InvalidArgument("--retain-last must be at least 1 (the current snapshot always stays)");
    }
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    SILT_ASSIGN_OR_RETURN(table::ExpireSummary s, table::ExpireSnapshots(*wh, o->identifier, req));
    if (s.expired_snapshot_ids.empty()) {
      fmt::print("nothing to expire in {}: {} kept (none older than {} beyond the newest {})\n",
                 o->identifier, Plural(s.retained_snapshots, "snapshot"), o->older_than, o->retain_last);
      return Status::OK();
    }
    fmt::print("expired {} of {}, {} kept\n", Plural(s.expired_snapshot_ids.size(), "snapshot"),
               o->identifier, s.retained_snapshots);
    fmt::print("  deleted   {}, {}, {}, {}\n", Plural(s.deleted_data_files.size(), "data file"),
               Plural(s.deleted_manifests.size(), "manifest"),
               Plural(s.deleted_manifest_lists.size(), "manifest list"),
               Plural(s.deleted_bookmarks.size(), "bookmark"));
    for (const auto& src : s.carried_bookmarks) {
      fmt::print("  bookmark  of source {} kept in table property {}\n", src, table::BookmarkProperty(src));
    }
    fmt::print("  metadata  {}\n", s.metadata_location);
    return Status::OK();
  });
}

void AddTableRemoveOrphans(CLI::App* table, int* exit_code) {
  struct Opts {
    std::string identifier, older_than = "1d";
    bool dry_run = false;
    WarehouseFlags wh;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = table->add_subcommand(
      "remove-orphans",
      "Delete files under the table's location that its metadata does not reach: what a\n"
      "killed or failed writer left behind (data files, manifests, metadata files never\n"
      "committed, temporary files, append staging folders) and metadata files dropped from the\n"
      "metadata log. Files younger than --older-than are kept, because they may belong to a\n"
      "commit in progress; use --older-than 0s only when nothing writes to the table.\n"
      "  silt table remove-orphans logs.access --dry-run      # list them\n"
      "  silt table remove-orphans logs.access                # older than 1 day\n"
      "Kept as well: bookmarks of `silt convert --table` and its rejected lines (silt/).");
  cmd->add_option("table", o->identifier, "namespace.table")->required();
  cmd->add_option("--older-than", o->older_than, "Only delete files older than this (1d, 12h, 30m, 0s)")
      ->capture_default_str();
  cmd->add_flag("--dry-run,-n", o->dry_run, "List the orphan files, delete nothing");
  AddWarehouseFlags(cmd, &o->wh);
  OnRun(cmd, exit_code, [o]() -> Status {
    table::OrphanRequest req;
    SILT_ASSIGN_OR_RETURN(req.older_than_ms, ParseAge("--older-than", o->older_than));
    req.dry_run = o->dry_run;
    SILT_ASSIGN_OR_RETURN(auto wh, OpenWarehouse(o->wh, false));
    SILT_ASSIGN_OR_RETURN(table::OrphanSummary s, table::RemoveOrphanFiles(*wh, o->identifier, req));
    for (const auto& f : s.orphans) {
      fmt::print("{}{}  ({}, {})\n", s.dry_run ? "would delete " : "deleted ", f.uri, HumanBytes(f.size),
                 TimeMs(f.mtime_us / 1000));
    }
    fmt::print("{} {} ({}) of {}: {} seen, {} reachable, {} unreachable but younger than {} kept\n",
               s.dry_run ? "would delete" : "deleted", Plural(s.orphans.size(), "orphan file"),
               HumanBytes(s.orphan_bytes), o->identifier, s.files_seen, s.reachable, s.too_young,
               o->older_than);
    return Status::OK();
  });
}

}  // namespace

void AddTableMaintenance(CLI::App* table, int* exit_code) {
  AddTableExpire(table, exit_code);
  AddTableRemoveOrphans(table, exit_code);
}

}  // namespace silt::cli
