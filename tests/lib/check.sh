# Assertions shared by the integration scripts. Source it; every script ends with check_summary.
#   check NAME EXPECTED ACTUAL   equal strings pass
#   check_true NAME COMMAND...   the command exits 0
#   check_summary                prints "N passed, N failed"; returns 1 if anything failed
CHECK_PASSED=${CHECK_PASSED:-0}
CHECK_FAILED=${CHECK_FAILED:-0}

check() {
  if [ "$2" = "$3" ]; then
    CHECK_PASSED=$((CHECK_PASSED + 1)); echo "ok - $1"
  else
    CHECK_FAILED=$((CHECK_FAILED + 1)); echo "FAIL - $1 (expected '$2', got '$3')"
  fi
}

check_true() {
  local name=$1; shift
  if "$@"; then
    CHECK_PASSED=$((CHECK_PASSED + 1)); echo "ok - $name"
  else
    CHECK_FAILED=$((CHECK_FAILED + 1)); echo "FAIL - $name"
  fi
}

check_summary() {
  echo "$CHECK_PASSED passed, $CHECK_FAILED failed"
  [ "$CHECK_FAILED" -eq 0 ]
}
