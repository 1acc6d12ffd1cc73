#!/usr/bin/env bash
# The operator's command line (out/pam-mysql-net) against a throwaway MariaDB: `check` finds a
# misspelled option, a world-readable config file holding the DB password, an unreachable server
# and an unknown user, and reports a good setup (TLS, latency, the user's password scheme) without
# printing a secret; `test` runs one login through libpam and explains the result; every command
# has --help.
#   bash tests/integration/cli.sh        (after cmake --build out; as root)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/check.sh"
source "$REPO/tests/lib/harness.sh"
source "$REPO/tests/lib/mariadb.sh"

harness_begin cli mdb_stop
mdb_start "$WORK/db" || harness_fatal "MariaDB did not start"
mdb_seed_mailbox
mdb_add_user alice@example.test 'S3cret!'
HASH=$(mdb_sql "SELECT password FROM postfix.mailbox WHERE username='alice@example.test'")
ARGS="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 md5=1 nodelay"

# run NAME EXPECTED_EXIT COMMAND...: output in $WORK/NAME.out; checks the exit status
run() {
  local name=$1 expected=$2; shift 2
  "$@" >"$WORK/$name.out" 2>&1
  check "$name: exit $expected" "$expected" "$?"
}
has() { grep -qF -- "$2" "$WORK/$1.out"; }
no_secrets() { ! grep -qF -e yourpass -e 'S3cret!' -e "$HASH" "$WORK/$1.out"; }

echo "# help"
run help 0 "$CLI" --help
for c in verify hash check test; do run "help-$c" 0 "$CLI" "$c" --help; done
run unknown-command 2 "$CLI" frobnicate

echo "# check: a good setup"
mkdir -p "$WORK/pam.d"
printf 'auth required %s %s\naccount sufficient %s %s\n' "$MODULE" "$ARGS" "$MODULE" "$ARGS" >"$WORK/pam.d/smtp"
# A good setup keeps its database password from other users (a 0644 file would be reported).
chmod 600 "$WORK/pam.d/smtp"
run good 0 "$CLI" check --service smtp --pam-dir "$WORK/pam.d" --user alice@example.test
check_true "good: reports the server, its latency and TLS state" has good "server 127.0.0.1:$MDB_PORT: connected in"
check_true "good: names the user's scheme" has good "stored password scheme: md5crypt"
check_true "good: prints no password, hash or DB password" no_secrets good

echo "# check: problems"
run misspelled 1 "$CLI" check --pam-line "auth required pam_mysql_net.so ${ARGS/usercolumn=/usercolum=}"
check_true "misspelled option is named with a suggestion" has misspelled "unknown option 'usercolum' (did you mean 'usercolumn'?)"
printf 'users.host = 127.0.0.1:%s\nusers.database = postfix\nusers.db_user = postfix\nusers.db_passwd = yourpass\nusers.table = mailbox\nusers.user_column = username\nusers.password_column = password\nusers.password_crypt = 1\n' "$MDB_PORT" >"$WORK/pmn.conf"
chmod 644 "$WORK/pmn.conf"
run readable 1 "$CLI" check --config "$WORK/pmn.conf"
check_true "world-readable config holding the password is refused with the fix" has readable "everyone may read it: chmod o-r"
check_true "...without showing the password" no_secrets readable
chmod 600 "$WORK/pmn.conf"
run config-ok 0 "$CLI" check --config "$WORK/pmn.conf" --user alice@example.test
run unreachable 1 "$CLI" check --pam-line "${ARGS/host=127.0.0.1:$MDB_PORT/host=127.0.0.1:1} connect_timeout=2"
check_true "unreachable server is reported" has unreachable "server 127.0.0.1:1: cannot connect"
run unknown-user 1 "$CLI" check --pam-line "$ARGS" --user nobody@example.test
check_true "unknown user is reported" has unknown-user "user 'nobody@example.test': not found"
run bad-usage 2 "$CLI" check --user alice

echo "# test: one login through libpam"
printf '%s\n' 'S3cret!' | run test-good 0 "$CLI" test --service smtp --pam-dir "$WORK/pam.d" --user alice@example.test
check_true "test: success is explained" has test-good "pam_authenticate: Success (0) - accepted"
printf '%s\n' 'wrong' | run test-wrong 1 "$CLI" test --service smtp --pam-dir "$WORK/pam.d" --user alice@example.test
check_true "test: wrong password is explained" has test-wrong "AuthErr (7) - refused: wrong password"
printf '%s\n' 'x' | run test-unknown 1 "$CLI" test --service smtp --pam-dir "$WORK/pam.d" --user nobody@example.test
check_true "test: unknown user is explained" has test-unknown "UserUnknown (10)"

echo "# hash and verify"
printf %s 'S3cret!' | run verify-right 0 "$CLI" verify "$HASH"
printf %s 'S3cret?' | run verify-wrong 1 "$CLI" verify "$HASH"
run verify-bad 2 bash -c "printf x | '$CLI' verify '\$1\$short'"
NEW=$(printf %s 'n3w-pass' | "$CLI" hash --scheme sha512crypt)
check_true "hash writes a sha512crypt string" bash -c "[[ '$NEW' == '\$6\$'* ]]"
check "openssl reproduces that hash" "$NEW" "$(openssl passwd -6 -salt "$(cut -d'$' -f3 <<<"$NEW")" 'n3w-pass')"

harness_end
