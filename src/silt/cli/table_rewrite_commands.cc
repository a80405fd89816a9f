// silt table subcommands: see table_cli.h.
#include "silt/cli/table_cli.h"

namespace silt::cli {

void AddTableRewrite(CLI::App* table, int* exit_code) {
  (void)table;
  (void)exit_code;
}

}  // namespace silt::cli
