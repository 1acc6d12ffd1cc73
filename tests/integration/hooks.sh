#!/usr/bin/env bash
# Login hooks (auth_succ_query=, auth_fail_query=) through the real libpam (out/pmn_pam_host)
# against a real MariaDB: a last-login time and a failure counter kept by the hooks, the
# placeholders %u %n %d %s %r sent as values, a hook that fails (no privilege) leaves every answer
# as it was with one log line, and without the options nothing is run.
#   bash tests/integration/hooks.sh        (after cmake --build out; run as root)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"

pam_suite_begin hooks
mdb_sql "ALTER TABLE postfix.mailbox ADD COLUMN last_login DATETIME NULL, ADD COLUMN failures INT NOT NULL DEFAULT 0;
         CREATE TABLE postfix.failed_logins (username VARCHAR(255), local_part VARCHAR(255), domain VARCHAR(255),
           service VARCHAR(64), rhost VARCHAR(255));
         GRANT UPDATE (last_login, failures) ON postfix.mailbox TO 'postfix'@'127.0.0.1';
         GRANT INSERT ON postfix.failed_logins TO 'postfix'@'127.0.0.1'"
# state USER: "last_login-is-set failures"
state() { mdb_sql "SELECT last_login IS NOT NULL, failures FROM postfix.mailbox WHERE username = '$1'" | tr '\t' ' '; }
lines() { syslog_since | grep -c -- "$1"; }
rc_from() { PMN_RHOST=$4 "$HOST" "$WORK/pam.d" "$1" "$2" "$3" -1 auth 2>&1 | sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1; }

SUCC="[auth_succ_query=UPDATE mailbox SET last_login = NOW(), failures = 0 WHERE username = %u]"
FAIL="[auth_fail_query=UPDATE mailbox SET failures = failures + 1 WHERE username = %u]"

echo "# --- without the options nothing is run"
service plain "$SEED"
check "a wrong password" $PAM_AUTH_ERR "$(rc plain alice@example.test wrong)"
check "a right one" $PAM_SUCCESS "$(rc plain alice@example.test 'S3cret!')"
check "the row is untouched" "0 0" "$(state alice@example.test)"

echo "# --- a failure counter and the last login"
service hooked "$SEED $SUCC $FAIL"
syslog_mark
check "wrong password 1" $PAM_AUTH_ERR "$(rc hooked alice@example.test wrong1)"
check "wrong password 2" $PAM_AUTH_ERR "$(rc hooked alice@example.test wrong2)"
check "auth_fail_query counted both" "0 2" "$(state alice@example.test)"
check "right password" $PAM_SUCCESS "$(rc hooked alice@example.test 'S3cret!')"
check "auth_succ_query set the last login and reset the counter" "1 0" "$(state alice@example.test)"
check "no log line about hooks when they work" 0 "$(lines 'auth_.*_query')"

echo "# --- the placeholders are values"
service placed "$SEED [auth_fail_query=INSERT INTO failed_logins VALUES (%u, %n, %d, %s, %r)]"
check "a wrong password from 192.0.2.7" $PAM_AUTH_ERR "$(rc_from placed alice@example.test wrong 192.0.2.7)"
check "an unknown user from a hostile-looking rhost" $PAM_USER_UNKNOWN "$(rc_from placed "x'); DROP TABLE mailbox; --@example.test" wrong "h');--")"
check "the rows hold the values" "alice@example.test alice example.test placed 192.0.2.7|x'); DROP TABLE mailbox; --@example.test x'); DROP TABLE mailbox; -- example.test placed h');--" \
  "$(mdb_sql "SELECT CONCAT_WS(' ', username, local_part, domain, service, rhost) FROM postfix.failed_logins ORDER BY rhost" | paste -sd '|')"
check "the mailbox table is still there" 1 "$(mdb_sql "SELECT COUNT(*) FROM postfix.mailbox WHERE username = 'alice@example.test'")"

echo "# --- a hook that fails changes no answer: one log line each"
mdb_sql "REVOKE UPDATE (last_login, failures) ON postfix.mailbox FROM 'postfix'@'127.0.0.1'"
syslog_mark
check "right password, auth_succ_query denied" $PAM_SUCCESS "$(rc hooked alice@example.test 'S3cret!')"
check "wrong password, auth_fail_query denied" $PAM_AUTH_ERR "$(rc hooked alice@example.test wrong)"
check "one line for the success hook" 1 "$(lines 'auth_succ_query failed for user "alice@example.test"')"
check "one line for the failure hook" 1 "$(lines 'auth_fail_query failed for user "alice@example.test"')"
check_true "no password in the log" bash -c '! grep -qF -e "S3cret!" -e yourpass <<<"$1"' _ "$(syslog_since)"

echo "# --- pam-mysql-net check"
"$CLI" check --service hooked --pam-dir "$WORK/pam.d" >"$WORK/check.out" 2>&1
check_true "check names both hooks" grep -qF 'login hooks: auth_succ_query, auth_fail_query' "$WORK/check.out"
"$CLI" check --service plain --pam-dir "$WORK/pam.d" >"$WORK/check2.out" 2>&1
check_true "without them: none" grep -qF 'login hooks: none' "$WORK/check2.out"

check_summary
