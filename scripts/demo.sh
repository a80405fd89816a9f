#!/usr/bin/env bash
# The main job on the embedded default: sample S3 access logs -> Parquet -> SQL.
# Usage: scripts/demo.sh <silt binary> <work dir>
set -euo pipefail
SILT=${1:-build/release/silt}
DIR=${2:-demo-out}
BYTES=${DEMO_BYTES:-256MiB}

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "Generate $BYTES of S3 server access logs over 3 days" \
     "silt gen s3_access --output $DIR/raw --bytes $BYTES --days 3"
"$SILT" gen s3_access --output "$DIR/raw" --bytes "$BYTES" --days 3

step "Convert them to Parquet, one folder per day" \
     "silt convert --format s3_access --input $DIR/raw --output $DIR/parquet"
"$SILT" convert --format s3_access --input "$DIR/raw" --output "$DIR/parquet"

step "The raw logs and the Parquet dataset give the same answer" \
     "silt sql \"SELECT count(*), sum(bytes_sent) FROM read_log('$DIR/raw', format => 's3_access')\""
"$SILT" sql "SELECT 'raw logs' AS source, count(*) AS requests, sum(bytes_sent) AS bytes_sent
             FROM read_log('$DIR/raw', format => 's3_access')
             UNION ALL
             SELECT 'parquet', count(*), sum(bytes_sent) FROM '$DIR/parquet'"

step "Requests and errors per day" "silt sql \"SELECT day, count(*), ... FROM '$DIR/parquet' GROUP BY day\""
"$SILT" sql "SELECT day, count(*) AS requests,
                    count(*) FILTER (WHERE http_status >= 400) AS errors,
                    round(sum(bytes_sent) / 1e9, 2) AS gb_sent
             FROM '$DIR/parquet' GROUP BY day ORDER BY day"

step "Top operations" "silt sql \"SELECT operation, count(*) ... GROUP BY 1 ORDER BY 2 DESC LIMIT 5\""
"$SILT" sql "SELECT operation, count(*) AS requests,
                    quantile_disc(total_time_ms, 0.5) AS p50_ms,
                    quantile_disc(total_time_ms, 0.99) AS p99_ms
             FROM '$DIR/parquet' GROUP BY 1 ORDER BY 2 DESC LIMIT 5"

step "Errors by code, from the raw logs directly" \
     "silt sql \"SELECT error_code, count(*) FROM read_log(...) WHERE error_code IS NOT NULL GROUP BY 1\""
"$SILT" sql "SELECT error_code, http_status, count(*) AS requests
             FROM read_log('$DIR/raw', format => 's3_access')
             WHERE error_code IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5"

step "Most denied requesters" "silt sql \"... WHERE error_code = 'AccessDenied' ...\""
"$SILT" sql "SELECT coalesce(requester, '(anonymous)') AS requester, count(*) AS denied
             FROM '$DIR/parquet' WHERE error_code = 'AccessDenied'
             GROUP BY 1 ORDER BY 2 DESC LIMIT 3"
