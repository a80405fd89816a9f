// Committing Iceberg changes through a catalog: load the current metadata, build the next
// one, write its metadata file, compare-and-swap the catalog pointer; on a lost race reload
// and build again. Files written for a lost attempt are deleted, so concurrent writers leave
// no garbage behind (except after a crash, which orphan cleanup handles).
//
// Thread safety: the functions are reentrant; concurrent commits to one table from threads or
// processes are what they are for.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "silt/catalog/catalog.h"
#include "silt/iceberg/table_ops.h"

namespace silt::catalog {

struct CommitOptions {
  int max_attempts = 50;
  int min_backoff_ms = 2;    // backoff before attempt n: min * 2^(n-1), capped, with jitter
  int max_backoff_ms = 500;  // (uniform in [0.5, 1.5) of the value)
};

struct CommitResult {
  std::string metadata_location;   // the committed metadata file
  iceberg::TableMetadata metadata;  // what it holds
  int attempts = 0;
};

// Produces the next metadata from the current one; may write files (returned in
// PendingCommit::written so a lost attempt can remove them). Called once per attempt.
using BuildCommit =
    std::function<Result<iceberg::PendingCommit>(const iceberg::TableMetadata& base)>;

// Loads `identifier` from the catalog, builds, writes the metadata file and swaps, retrying
// lost races (PreconditionFailed) and transient catalog errors up to options.max_attempts.
// Errors from `build` are returned as they are (nothing of that attempt is left). When the
// swap fails for another reason, the catalog is read again: if it points at the new file the
// commit happened; if it points elsewhere the attempt's files are deleted; if it cannot be
// read, the files are left (the outcome is unknown) and the error is returned.
// Unavailable when every attempt lost a race.
Result<CommitResult> CommitWithRetry(Catalog& catalog, const iceberg::TableIO& io,
                                     std::string_view identifier, const BuildCommit& build,
                                     const CommitOptions& options = {});

// Creates a table: writes `metadata` as metadata file version 0 under its location and
// registers it. AlreadyExists (and the file is deleted again) when the identifier is taken;
// NotFound when the namespace does not exist.
Result<CommitResult> CreateTable(Catalog& catalog, const iceberg::TableIO& io,
                                 std::string_view identifier, iceberg::TableMetadata metadata);

// The table's current metadata location and metadata.
Result<CommitResult> LoadTable(Catalog& catalog, const iceberg::TableIO& io,
                               std::string_view identifier);

}  // namespace silt::catalog
