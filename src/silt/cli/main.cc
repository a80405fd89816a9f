// silt: logs in object storage -> query-ready tables, exactly once; SQL over raw logs and
// tables alike.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "silt/cli/commands.h"
#include "silt/common/interrupt.h"

// DuckDB's allocator (the jemalloc built into libduckdb) hands pages that stayed free for a
// second back to the kernel, and a conversion then faults them in again for its next row
// groups: on a 1 GiB convert a third of all page faults. silt's runs are batch jobs, so free
// pages are kept for five seconds. jemalloc reads this setting when libduckdb loads, before
// main(), as its last configuration source: it wins over DUCKDB_JE_MALLOC_CONF for these two
// options (every other option set there still applies). A libduckdb without jemalloc ignores
// it.
extern "C" {
__attribute__((visibility("default"))) const char* duckdb_je_malloc_conf_2_conf_harder =
    "dirty_decay_ms:5000,muzzy_decay_ms:5000";
}

int main(int argc, char** argv) {
  CLI::App app{
      "silt — turns logs in object storage into query-ready Parquet and answers SQL over raw\n"
      "logs and converted data alike.\n\n"
      "Try:\n"
      "  silt gen s3_access --output demo/raw --bytes 64MiB --days 3\n"
      "  silt convert --format s3_access --input demo/raw --output demo/parquet\n"
      "  silt sql \"SELECT operation, count(*) FROM read_log('demo/raw', format => 's3_access') GROUP BY 1\"\n"
      "  silt sql \"SELECT day, count(*) FROM 'demo/parquet/**/*.parquet' GROUP BY 1 ORDER BY 1\"\n"
      "Every location may be s3://bucket/prefix (AWS, MinIO, Ceph...; keys as the AWS CLI finds\n"
      "them, --s3-endpoint / AWS_ENDPOINT_URL for other services).\n",
      "silt"};
  app.set_version_flag("--version", "silt 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();
  int exit_code = 0;
  silt::cli::AddConvert(app, &exit_code);
  silt::cli::AddSql(app, &exit_code);
  silt::cli::AddGen(app, &exit_code);
  silt::cli::AddFormats(app, &exit_code);
  silt::cli::AddDetect(app, &exit_code);
  silt::cli::AddCp(app, &exit_code);
  silt::cli::AddTable(app, &exit_code);
  // Ctrl-C and SIGTERM stop the work and clean up; a second one ends silt at once.
  silt::interrupt::InstallHandlers();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage mistakes: one line saying what is wrong, a pointer to --help, exit code 2.
    std::fprintf(stderr, "silt: error: %s\nRun 'silt --help' (or 'silt <command> --help') for usage.\n",
                 e.what());
    return 2;
  }
  return exit_code;
}
