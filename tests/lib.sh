# Helpers shared by the end-to-end test scripts (sourced, not run). The sourcing script sets
# SILT (the binary) and T (its temporary folder) first. Checks print "ok:" or "FAIL:" and count
# failures in FAILURES; the script decides its exit code from it.

FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }

# check_eq <what> <expected> <actual>
check_eq() {
  if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}
# check_contains <what> <text> <needle>
check_contains() {
  if [[ "$2" == *"$3"* ]]; then pass "$1"; else fail "$1: [$3] not found in [$2]"; fi
}
# check_not_contains <what> <text> <needle>
check_not_contains() {
  if [[ "$2" != *"$3"* ]]; then pass "$1"; else fail "$1: [$3] unexpectedly found in [$2]"; fi
}
# check_match <what> <text> <extended regex> (matched against any line)
check_match() {
  if grep -Eq -- "$3" <<<"$2"; then pass "$1"; else fail "$1: no line of [$2] matches /$3/"; fi
}
# check_rc <what> <expected exit code> — against the last run / run_cmd
check_rc() {
  if [[ "$RC" == "$2" ]]; then
    pass "$1 (exit $RC)"
  else
    fail "$1: exit code $RC, expected $2; stdout [$OUT] stderr [$ERR]"
  fi
}
check_nonzero() {
  if [[ "$RC" != 0 ]]; then pass "$1 (exit $RC)"; else fail "$1: exit code 0, expected non-zero; stdout [$OUT]"; fi
}

# run_cmd <command...>: runs a command with stdin from /dev/null; sets RC, OUT, ERR.
run_cmd() {
  "$@" <"/dev/null" >"$T/.stdout" 2>"$T/.stderr"
  RC=$?
  OUT=$(<"$T/.stdout")
  ERR=$(<"$T/.stderr")
}
# run <silt args...>: run_cmd of silt.
run() { run_cmd "$SILT" "$@"; }
# run_stdin <text> <silt args...>: the same with <text> on standard input (a pipe).
run_stdin() {
  local input=$1
  shift
  printf '%s' "$input" | "$SILT" "$@" >"$T/.stdout" 2>"$T/.stderr"
  RC=$?
  OUT=$(<"$T/.stdout")
  ERR=$(<"$T/.stderr")
}
# csv <sql>: runs `silt sql --format csv <sql>`, checks it succeeded and sets VAL to the rows
# without the header line.
csv() {
  run sql --format csv "$1"
  if [[ "$RC" != 0 ]]; then
    fail "query failed (exit $RC): $1: $ERR"
    VAL="<query failed>"
    return 1
  fi
  VAL=$(tail -n +2 <<<"$OUT")
}
