# shellcheck shell=bash
# Tiny TAP-like assertion helpers shared by the integration scripts. Source this file.
#
#   check NAME EXPECTED ACTUAL  -> "ok - NAME" or "FAIL - NAME (expected X, got Y)"
#   check_true NAME COMMAND...  -> passes when the command exits 0
#   check_note TEXT             -> "# TEXT" (informational, not counted)
#   check_summary               -> exactly one line "N passed, N failed"; non-zero if any failed

CHECK_PASSED=0
CHECK_FAILED=0

check() {
  local name=$1 expected=$2 actual=$3
  if [ "$expected" = "$actual" ]; then
    CHECK_PASSED=$((CHECK_PASSED + 1))
    echo "ok - $name"
  else
    CHECK_FAILED=$((CHECK_FAILED + 1))
    echo "FAIL - $name (expected $expected, got $actual)"
  fi
}

check_true() {
  local name=$1
  shift
  if "$@"; then
    CHECK_PASSED=$((CHECK_PASSED + 1))
    echo "ok - $name"
  else
    CHECK_FAILED=$((CHECK_FAILED + 1))
    echo "FAIL - $name"
  fi
}

check_note() { echo "# $*"; }

check_summary() {
  echo "$CHECK_PASSED passed, $CHECK_FAILED failed"
  [ "$CHECK_FAILED" -eq 0 ]
}
