#!/bin/bash
# saslauthd integration test: Cyrus `saslauthd -a pam -r` -> PAM service file -> the PAM module
# under test -> a throwaway MariaDB with table postfix.mailbox (MD5-crypt hashes).
#
# Checks good/wrong/unknown credentials, realm handling, SQL-injection-shaped and oversized
# usernames, NULL and empty stored passwords, a stopped database (NO, saslauthd survives, works
# again after a restart on the same port) and a frozen database (SIGSTOP: must answer in < 15 s).
#
# Run as root (writes /etc/pam.d/pmn-test-<random>, removed on exit):
#   tests/integration/saslauthd.sh                                   # our module, out/pam_mysql_net.so
#   PMN_MODULE=/lib/x86_64-linux-gnu/security/pam_mysql.so PMN_EXPECT_FROZEN_ANSWER=0 \
#     tests/integration/saslauthd.sh                                 # Debian's C pam_mysql.so
# Env: PMN_MODULE (absolute .so path), PMN_EXPECT_FROZEN_ANSWER (1: assert a frozen database is
# answered NO within 15 s; 0: only report what happens), PMN_KEEP=1 keeps the temp dir (logs).
# Output: "ok - ..." / "FAIL - ..." lines, last line "N passed, N failed"; exit 1 if any failed.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/sasl_suite.sh"

PMN_EXPECT_FROZEN_ANSWER=${PMN_EXPECT_FROZEN_ANSWER:-1}
FROZEN_LIMIT_MS=15000
GOOD_PW='S3cret-alice'
BOB_PW="p'a\"ss w\\ord%_ ü"

setup() {
  sasl_suite_begin saslauthd sasl_suite_stop pamtester pamtester
  mdb_start "$WORK/db" && mdb_seed_mailbox || harness_fatal "MariaDB did not start"
  mdb_add_user alice@example.test "$GOOD_PW"
  mdb_add_user bob@example.test "$BOB_PW"
  mdb_set_password nullpw@example.test NULL
  mdb_set_password emptypw@example.test ''
  sasl_write_pam_service "$PMN_MODULE" 127.0.0.1 "$MDB_PORT"
  sasl_start "$WORK/run" "$WORK/saslauthd.log" || harness_fatal "saslauthd did not start"
}

# expect NAME EXPECTED USER PASS [REALM]  (via testsaslauthd)
expect() {
  local name=$1 expected=$2; shift 2
  sasl_auth "$@"
  check "$name" "$expected" "$SASL_RESULT"
}

# expect_refused NAME USER PASS  (raw protocol; refused = NO, or connection closed unanswered)
expect_refused() {
  local name=$1 got; shift
  sasl_auth_raw "$@"
  case $SASL_RESULT in NO | CLOSED) got=refused ;; *) got=$SASL_RESULT ;; esac
  check "$name" refused "$got"
}

# expect_pam NAME EXPECTED USER PASS  (pamtester on the same service, bypassing saslauthd:
# saslauthd never passes an empty password on, and drops names over 256 bytes)
expect_pam() {
  local name=$1 expected=$2 user=$3 pass=$4 rc
  printf '%s\n' "$pass" | timeout 20 pamtester "$SASL_SERVICE" "$user" authenticate >/dev/null 2>&1
  rc=$?
  case $rc in 0) rc=OK ;; 124) rc=TIMEOUT ;; *) rc=NO ;; esac
  check "$name" "$expected" "$rc"
}

check_alive() { if sasl_alive; then check "$1" alive alive; else check "$1" alive dead; fi; }

test_credentials() {
  expect "good password, user@domain" OK alice@example.test "$GOOD_PW"
  expect "good password, user + realm (-r joins them)" OK alice "$GOOD_PW" example.test
  expect "password with quotes, backslash, %, _, UTF-8" OK bob@example.test "$BOB_PW"
  expect "wrong password" NO alice@example.test "wrong-$GOOD_PW"
  expect "password differing only in case" NO alice@example.test "${GOOD_PW,,}"
  expect "good password plus trailing space" NO alice@example.test "$GOOD_PW "
  expect "empty password" NO alice@example.test ''
  expect "unknown user" NO nobody@example.test "$GOOD_PW"
  expect "known local part, other domain" NO alice@other.test "$GOOD_PW"
  expect "local part only, no realm" NO alice "$GOOD_PW"
}

# The recipe's auth + account lines cost one SELECT per login (the account check reuses the row
# authentication read on the same PAM handle) and no new connection once each worker has one.
test_one_select_per_login() {
  local i before_sel after_sel before_conn after_conn
  for i in 1 2 3 4 5 6; do sasl_auth alice@example.test "$GOOD_PW" >/dev/null; done
  before_sel=$(mdb_sql "SHOW GLOBAL STATUS LIKE 'Com_select'" | awk '{print $2}')
  before_conn=$(mdb_sql "SHOW GLOBAL STATUS LIKE 'Connections'" | awk '{print $2}')
  for i in $(seq 1 20); do sasl_auth alice@example.test "$GOOD_PW" >/dev/null; done
  after_sel=$(mdb_sql "SHOW GLOBAL STATUS LIKE 'Com_select'" | awk '{print $2}')
  after_conn=$(mdb_sql "SHOW GLOBAL STATUS LIKE 'Connections'" | awk '{print $2}')
  check "20 logins (auth + account lines): SELECTs run" 20 "$((after_sel - before_sel))"
  # Each mdb_sql call is a connection of its own: the second one and the one between them count.
  check "20 logins: new database connections" 0 "$((after_conn - before_conn - 2))"
}

test_injection_shaped_usernames() {
  local u
  for u in "x' OR '1'='1" "%" "_" "a\\' OR 1=1 -- " "alice@example.%" "alice@example.tes_" \
    "alice@example.test' -- " "alice@example.test\" OR \"1\"=\"1" "' UNION SELECT '\$1\$x\$y' -- "; do
    expect "injection-shaped username [$u]" NO "$u" "$GOOD_PW"
  done
}

test_oversized_input() {
  local u255 u10k p10k
  u255=$(printf 'u%.0s' $(seq 1 243))@example.test   # 255 bytes: longest saslauthd passes on
  u10k=$(head -c 10240 /dev/zero | tr '\0' u)
  p10k=$(head -c 10240 /dev/zero | tr '\0' p)
  expect_refused "255-byte username" "$u255" "$GOOD_PW"
  expect_refused "10 KB username" "$u10k" "$GOOD_PW"
  expect_refused "10 KB password" alice@example.test "$p10k"
  check_alive "saslauthd alive after oversized requests"
  expect_pam "pamtester: 10 KB username" NO "$u10k" "$GOOD_PW"
}

test_unusable_stored_passwords() {
  expect "stored NULL, empty password given" NO nullpw@example.test ''
  expect "stored NULL, some password given" NO nullpw@example.test "$GOOD_PW"
  expect "stored NULL, password 'NULL' given" NO nullpw@example.test NULL
  expect "stored empty string, empty password given" NO emptypw@example.test ''
  expect "stored empty string, some password given" NO emptypw@example.test "$GOOD_PW"
  expect_pam "pamtester: good password (sanity)" OK alice@example.test "$GOOD_PW"
  expect_pam "pamtester: stored NULL, empty password given" NO nullpw@example.test ''
  expect_pam "pamtester: stored empty string, empty password given" NO emptypw@example.test ''
  expect_pam "pamtester: empty password for a real user" NO alice@example.test ''
}

test_database_stopped() {
  local port=$MDB_PORT
  mdb_stop
  expect "database stopped -> NO" NO alice@example.test "$GOOD_PW"
  check_note "answered in ${SASL_MS} ms"
  check_alive "saslauthd alive with database stopped"
  MDB_PORT_WANTED=$port mdb_start "$WORK/db" || { check "database restarted" ok failed; return; }
  expect "database restarted on same port -> OK again" OK alice@example.test "$GOOD_PW"
}

test_database_frozen() {
  mdb_freeze
  SASL_AUTH_TIMEOUT=20 sasl_auth alice@example.test "$GOOD_PW"
  local result=$SASL_RESULT ms=$SASL_MS
  check_note "frozen database: $result after ${ms} ms"
  if [ "$PMN_EXPECT_FROZEN_ANSWER" = 1 ]; then
    check "frozen database -> NO" NO "$result"
    check "frozen database answered within ${FROZEN_LIMIT_MS} ms" yes "$([ "$ms" -lt "$FROZEN_LIMIT_MS" ] && echo yes || echo "no (${ms} ms)")"
  else
    check_note "not asserted (PMN_EXPECT_FROZEN_ANSWER=0)"
  fi
  mdb_thaw
  check_alive "saslauthd alive after frozen database"
  expect "database thawed -> OK again" OK alice@example.test "$GOOD_PW"
}

test_shutdown() {
  local pid=$SASL_PID
  sasl_stop
  local left
  left=$(ps -eo pid=,pgid=,stat= | awk -v g="$pid" '$2 == g && $3 !~ /^Z/' | wc -l)
  check "saslauthd master and workers gone after stop" 0 "$left"
}

main() {
  setup
  test_credentials
  test_one_select_per_login
  test_injection_shaped_usernames
  test_oversized_input
  test_unusable_stored_passwords
  test_database_stopped
  test_database_frozen
  check_alive "saslauthd alive at the end"
  test_shutdown
  harness_end
}

main "$@"
