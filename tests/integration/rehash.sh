#!/usr/bin/env bash
# Rehash on login (rehash=SCHEME[:COST]) through the real libpam (out/pmn_pam_host) against a real
# MariaDB: the seed's MD5-crypt row becomes SHA-512-crypt (checked by python3's crypt, i.e.
# libxcrypt) or argon2id once, the next login works with the new value and does not rewrite it,
# a wrong password never rewrites, a higher cost rewrites and a lower one never does, a password
# changed between the lookup and the write is kept (compare-and-set), a missing UPDATE privilege
# and a slow lookup leave the login successful with one log line, and without the option nothing
# is written. The same on the fork helper and the resident daemon routes; `check` reports it.
#   bash tests/integration/rehash.sh        (after cmake --build out; run as root)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"

pam_suite_begin rehash
# stored USER: the row's value as the table holds it
stored() { mdb_sql "SELECT password FROM postfix.mailbox WHERE username = '$1'"; }
# libxcrypt's verdict (python3's crypt module), independent of the module: "ok" when PASSWORD matches STORED
xcrypt() { python3 -W ignore -c 'import crypt, sys; print("ok" if crypt.crypt(sys.argv[1], sys.argv[2]) == sys.argv[2] else "no")' "$1" "$2"; }
lines() { syslog_since | grep -c -- "$1"; }
no_secret_in_log() { # PASSWORD VALUE...: none of them in the lines since the mark
  local log; log=$(syslog_since)
  local v; for v in "$@"; do grep -qF -- "$v" <<<"$log" && return 1; done; return 0
}
GRANT_UPDATE="GRANT UPDATE ON postfix.mailbox TO 'postfix'@'127.0.0.1'"
SEED="$SEED query_timeout=5"

echo "# --- without rehash= nothing is written"
OLD=$(stored alice@example.test)
service plain "$SEED"
mdb_sql "$GRANT_UPDATE"
check "login without rehash=" $PAM_SUCCESS "$(rc plain alice@example.test 'S3cret!')"
check "the MD5-crypt row is unchanged" "$OLD" "$(stored alice@example.test)"

echo "# --- no UPDATE privilege: the login succeeds, one log line, the row is unchanged"
mdb_sql "REVOKE UPDATE ON postfix.mailbox FROM 'postfix'@'127.0.0.1'"
service rh "$SEED rehash=sha512"
"$CLI" check --service rh --pam-dir "$WORK/pam.d" >"$WORK/check0.out" 2>&1
check "pam-mysql-net check exits 1 without the UPDATE privilege" 1 "$?"
check_true "... and says rehash cannot UPDATE mailbox" grep -qF 'PROBLEM: rehash: cannot UPDATE mailbox' "$WORK/check0.out"
syslog_mark
check "login with rehash=sha512 and no UPDATE privilege" $PAM_SUCCESS "$(rc rh alice@example.test 'S3cret!')"
check "the row is unchanged" "$OLD" "$(stored alice@example.test)"
check "one log line says the rehash failed and the login succeeds" 1 "$(lines 'rehash failed for user "alice@example.test" (the login succeeds): query failed')"
check "no other rehash line" 1 "$(lines rehash)"
check_true "no password or hash in the log" no_secret_in_log 'S3cret!' "$OLD"

echo "# --- with UPDATE: MD5-crypt becomes SHA-512-crypt, once"
mdb_sql "$GRANT_UPDATE"
syslog_mark
check "wrong password refused" $PAM_AUTH_ERR "$(rc rh alice@example.test 'wrong')"
check "a wrong password never rewrites" "$OLD" "$(stored alice@example.test)"
check "right password accepted" $PAM_SUCCESS "$(rc rh alice@example.test 'S3cret!')"
NEW=$(stored alice@example.test)
check "the row is now SHA-512-crypt with the default rounds" '$6$' "${NEW:0:3}"
check_true "... without a rounds= field" test "${NEW#\$6\$rounds=}" = "$NEW"
check "libxcrypt verifies it with the same password" ok "$(xcrypt 'S3cret!' "$NEW")"
check "... and not with another" no "$(xcrypt 'S3cret?' "$NEW")"
check "one notice names the new scheme" 1 "$(lines 'rehashed the stored password of user "alice@example.test" to sha512:5000')"
check_true "no password or hash in the log" no_secret_in_log 'S3cret!' "$OLD" "$NEW"
check "the next login works with the new value" $PAM_SUCCESS "$(rc rh alice@example.test 'S3cret!')"
check "... and does not rewrite it" "$NEW" "$(stored alice@example.test)"
check "a wrong password against the new value is refused" $PAM_AUTH_ERR "$(rc rh alice@example.test 'MD5-era')"

echo "# --- cost: a higher target rewrites, a lower one never"
service rh10k "$SEED rehash=sha512:10000"
check "login with rehash=sha512:10000" $PAM_SUCCESS "$(rc rh10k alice@example.test 'S3cret!')"
NEW10K=$(stored alice@example.test)
check "the row now has 10000 rounds" '$6$rounds=10000$' "${NEW10K:0:16}"
check "libxcrypt verifies it" ok "$(xcrypt 'S3cret!' "$NEW10K")"
check "login with rehash=sha512 (5000) again" $PAM_SUCCESS "$(rc rh alice@example.test 'S3cret!')"
check "... never lowers the cost" "$NEW10K" "$(stored alice@example.test)"

echo "# --- a password changed between the lookup and the write is not overwritten"
# The select sleeps after reading the row; meanwhile the test changes it (as an admin or a password
# change would); the login verified the old value and must not overwrite the new one.
mdb_add_user race@example.test 'R4ce-old!'
RACE_OLD=$(stored race@example.test)
RACE_NEW=$(openssl passwd -6 -salt Zx3QpL0aNewSalt 'R4ce-new!')
service race "$SEED rehash=sha512 query_timeout=10 [select=SELECT password, SLEEP(2) FROM mailbox WHERE username = %u]"
syslog_mark
rc race race@example.test 'R4ce-old!' >"$WORK/race.rc" &
RACE_PID=$!
for i in $(seq 1 100); do
  [ "$(mdb_sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'postfix' AND INFO LIKE '%SLEEP(2)%'")" -ge 1 ] && break
  sleep 0.05
done
mdb_sql "UPDATE postfix.mailbox SET password = '$RACE_NEW' WHERE username = 'race@example.test'"
wait "$RACE_PID"
check "the login verified the value it read" $PAM_SUCCESS "$(cat "$WORK/race.rc")"
check "the concurrent change is kept" "$RACE_NEW" "$(stored race@example.test)"
check "one notice says the value changed meanwhile" 1 "$(lines 'rehash not written for user "race@example.test": the update matched 0 rows')"
check_true "no password or hash in the log" no_secret_in_log 'R4ce-old!' "$RACE_OLD" "$RACE_NEW"

echo "# --- a slow lookup (half of query_timeout or more): the write is skipped"
mdb_add_user slow@example.test 'Sl0w-pass!'
SLOW_OLD=$(stored slow@example.test)
service slow "$SEED rehash=sha512 query_timeout=4 [select=SELECT password, SLEEP(2.1) FROM mailbox WHERE username = %u]"
syslog_mark
check "login through a slow lookup" $PAM_SUCCESS "$(rc slow slow@example.test 'Sl0w-pass!')"
check "the row is unchanged" "$SLOW_OLD" "$(stored slow@example.test)"
check "one notice says it was skipped" 1 "$(lines 'rehash skipped for user "slow@example.test": the lookup took')"

echo "# --- argon2id (crypt=auto)"
mdb_add_user argon@example.test 'Arg0n-pass!'
service argon "$SEED crypt=auto rehash=argon2id:2"
check "login with rehash=argon2id:2" $PAM_SUCCESS "$(rc argon argon@example.test 'Arg0n-pass!')"
ARGON=$(stored argon@example.test)
check "the row is argon2id, 64 MiB, t=2" '$argon2id$v=19$m=65536,t=2,p=1$' "${ARGON:0:31}"
check "the next login works with it" $PAM_SUCCESS "$(rc argon argon@example.test 'Arg0n-pass!')"
check "... and does not rewrite it" "$ARGON" "$(stored argon@example.test)"
check "a wrong password is refused" $PAM_AUTH_ERR "$(rc argon argon@example.test 'Arg0n-pass?')"
check "rehash=argon2id with crypt=1 is a configuration error (PAM_SERVICE_ERR)" $PAM_SERVICE_ERR \
  "$(service bad "$SEED rehash=argon2id"; rc bad argon@example.test 'Arg0n-pass!')"

echo "# --- the fork helper route (hosts capped below what the runtime needs)"
# capped CAP USER PASSWORD: the PAM code of one login in a host under an RLIMIT_AS of CAP bytes
capped() { prlimit --as="$1" "$HOST" "$WORK/pam.d" rh "$2" "$3" -1 auth 2>&1 | sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1; }
mdb_add_user helper@example.test 'H3lper-pass!'
syslog_mark
check "login through the helper (100 MiB cap)" $PAM_SUCCESS "$(capped 104857600 helper@example.test 'H3lper-pass!')"
check "... it was the helper" 1 "$(lines 'using the helper process')"
HELPER=$(stored helper@example.test)
check "the helper rewrote the row as SHA-512-crypt" '$6$' "${HELPER:0:3}"
check "libxcrypt verifies it" ok "$(xcrypt 'H3lper-pass!' "$HELPER")"
# Under 64 MiB the helper's OpenSSL may fail to hash: the login must still succeed.
mdb_add_user tight@example.test 'T1ght-pass!'
syslog_mark
check "login through the helper under 64 MiB" $PAM_SUCCESS "$(capped 67108864 tight@example.test 'T1ght-pass!')"
TIGHT=$(stored tight@example.test)
check_true "... the row rewritten, or one line says the rehash failed" \
  bash -c '[ "${1:0:3}" = "\$6\$" ] || [ "$2" -eq 1 ]' _ "$TIGHT" "$(lines 'rehash failed for user "tight@example.test"')"
check_note "under 64 MiB: $(syslog_since | grep -o 'rehash.*' | head -n 1)"

echo "# --- the resident daemon route"
mdb_add_user daemon@example.test 'D4emon-pass!'
mkdir -p "$WORK/run"
SOCK=$WORK/run/sock
"$CLI" daemon --socket "$SOCK" 2>"$WORK/daemon.log" &
DPID=$!
on_exit "kill -KILL $DPID 2>/dev/null; wait $DPID 2>/dev/null"
for i in $(seq 1 100); do grep -q 'listening on' "$WORK/daemon.log" 2>/dev/null && break; sleep 0.05; done
service viadaemon "$SEED rehash=sha512 broker=required broker_socket=$SOCK"
check "login through the daemon (broker=required)" $PAM_SUCCESS "$(rc viadaemon daemon@example.test 'D4emon-pass!')"
DAEMON=$(stored daemon@example.test)
check "the daemon rewrote the row as SHA-512-crypt" '$6$' "${DAEMON:0:3}"
check "libxcrypt verifies it" ok "$(xcrypt 'D4emon-pass!' "$DAEMON")"
check "the next login through the daemon works and does not rewrite it" "$PAM_SUCCESS $DAEMON" \
  "$(rc viadaemon daemon@example.test 'D4emon-pass!') $(stored daemon@example.test)"

echo "# --- pam-mysql-net check"
mdb_add_user checked@example.test 'Ch3ck-pass!'
"$CLI" check --service rh --pam-dir "$WORK/pam.d" --user checked@example.test >"$WORK/check.out" 2>&1
check_true "check names the target and the table it writes to" grep -qF 'rehash: to sha512:5000 after a successful login, compare-and-set into mailbox' "$WORK/check.out"
check_true "check probed the UPDATE privilege (granted)" grep -qF "rehash: the module's database user may UPDATE mailbox" "$WORK/check.out"
check_true "check says the MD5-crypt row would be rewritten" grep -qF 'rehashed to sha512:5000 at the next login: yes' "$WORK/check.out"
"$CLI" check --service rh --pam-dir "$WORK/pam.d" --user alice@example.test >"$WORK/check2.out" 2>&1
check_true "... and the 10000-round row would not" grep -qF 'at the next login: no' "$WORK/check2.out"
"$CLI" check --service plain --pam-dir "$WORK/pam.d" >"$WORK/check3.out" 2>&1
check_true "without the option: rehash: off" grep -qF 'rehash: off' "$WORK/check3.out"
check "check wrote nothing (the row is still MD5-crypt)" '$1$' "$(stored checked@example.test | cut -c1-3)"

check_summary
