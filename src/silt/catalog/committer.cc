#include "silt/catalog/committer.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "silt/iceberg/ids.h"

namespace silt::catalog {
namespace {

void Backoff(const CommitOptions& options, int attempt) {
  int64_t ms = options.min_backoff_ms;
  for (int i = 1; i < attempt && ms < options.max_backoff_ms; ++i) ms *= 2;
  ms = std::min<int64_t>(ms, options.max_backoff_ms);
  // Jitter in [0.5, 1.5) so racing writers spread out.
  const double jitter = 0.5 + static_cast<double>(iceberg::RandomU64() % 1000) / 1000.0;
  std::this_thread::sleep_for(
      std::chrono::microseconds(static_cast<int64_t>(static_cast<double>(ms) * 1000 * jitter)));
}

// Test-only hooks: with SILT_TEST_PAUSE_BEFORE_COMMIT_MS=<n> in the environment, every attempt
// sleeps n milliseconds between writing its metadata file and swapping the catalog pointer;
// with SILT_TEST_PAUSE_AFTER_COMMIT_MS=<n>, a successful swap is followed by a sleep of n ms
// before the writer goes on (cleanup, output). tests/iceberg_crash_test.sh uses them to kill -9
// writers inside those windows. Never set them otherwise.
void TestPause(const char* variable) {
  const char* v = std::getenv(variable);
  const int64_t pause_ms = v == nullptr ? 0 : std::atoll(v);
  if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
}

}  // namespace

Result<CommitResult> LoadTable(Catalog& catalog, const iceberg::TableIO& io,
                               std::string_view identifier) {
  CommitResult out;
  SILT_ASSIGN_OR_RETURN(out.metadata_location, catalog.LoadTable(identifier));
  SILT_ASSIGN_OR_RETURN(out.metadata, iceberg::ReadMetadataFile(io, out.metadata_location));
  return out;
}

Result<CommitResult> CreateTable(Catalog& catalog, const iceberg::TableIO& io,
                                 std::string_view identifier, iceberg::TableMetadata metadata) {
  SILT_ASSIGN_OR_RETURN(TableIdentifier id, ParseTableIdentifier(identifier));
  SILT_ASSIGN_OR_RETURN(bool ns_exists, catalog.NamespaceExists(id.ns));
  if (!ns_exists) {
    return Status::NotFound("cannot create table " + id.ToString() + ": namespace " + id.ns +
                            " does not exist in catalog " + catalog.name());
  }
  CommitResult out;
  SILT_ASSIGN_OR_RETURN(out.metadata_location,
                        iceberg::WriteMetadataFile(io, &metadata, nullptr, ""));
  Status st = catalog.CreateTable(identifier, out.metadata_location);
  if (!st.ok()) {
    if (st.IsAlreadyExists() || st.IsNotFound()) (void)io.Delete({out.metadata_location});
    return st;
  }
  out.metadata = std::move(metadata);
  out.attempts = 1;
  return out;
}

Result<CommitResult> CommitWithRetry(Catalog& catalog, const iceberg::TableIO& io,
                                     std::string_view identifier, const BuildCommit& build,
                                     const CommitOptions& options) {
  Status last;
  for (int attempt = 1; attempt <= std::max(1, options.max_attempts); ++attempt) {
    if (attempt > 1) Backoff(options, attempt - 1);
    auto current = LoadTable(catalog, io, identifier);
    if (!current.ok()) {
      if (IsRetriable(current.status())) {
        last = current.status();
        continue;
      }
      return current.status();
    }
    SILT_ASSIGN_OR_RETURN(iceberg::PendingCommit pending, build(current->metadata));
    std::vector<std::string> written = std::move(pending.written);
    auto location = iceberg::WriteMetadataFile(io, &pending.metadata, &current->metadata,
                                               current->metadata_location);
    if (!location.ok()) {
      (void)io.Delete(written);
      return location.status();
    }
    written.push_back(*location);
    TestPause("SILT_TEST_PAUSE_BEFORE_COMMIT_MS");
    Status st = catalog.CommitTable(identifier, current->metadata_location, *location);
    if (st.ok()) {
      TestPause("SILT_TEST_PAUSE_AFTER_COMMIT_MS");
      return CommitResult{*location, std::move(pending.metadata), attempt};
    }
    if (st.code() != StatusCode::kPreconditionFailed) {
      // Did the swap happen after all (e.g. the connection broke after the update)?
      auto now = catalog.LoadTable(identifier);
      if (!now.ok()) return st;  // unknown outcome: leave the files
      if (*now == *location) return CommitResult{*location, std::move(pending.metadata), attempt};
      if (!IsRetriable(st)) {
        (void)io.Delete(written);
        return st;
      }
    }
    (void)io.Delete(written);  // best effort; orphan cleanup catches the rest
    last = st;
  }
  return Status::Unavailable("gave up committing " + std::string(identifier) + " after " +
                             std::to_string(options.max_attempts) + " attempts: " +
                             last.message());
}

}  // namespace silt::catalog
