#!/usr/bin/env bash
# Brute-force throttling through the real libpam (out/pmn_pam_host) against a real MariaDB:
# the lock-out after N failures from one address, the fast refusal while the database is frozen,
# the growing back-off, the release (by a success, or by itself), another address and the real
# user unaffected, IPv6 /64s, trusted networks, per-user counting, one syslog line each way; and
# the counters shared by every host process through the daemon, against one set per process
# without it. Windows and back-offs are made small with the options.
#   bash tests/integration/throttle.sh        (after cmake --build out; run as root)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"

# steps SERVICE: runs stdin's steps in ONE host process (pmn_pam_host "steps"); the output is kept
# in OUTPUT and shown as comments
steps() {
  OUTPUT=$("$HOST" "$WORK/pam.d" "$1" - - 0 steps)
  sed 's/^/#   /' <<<"$OUTPUT"
}
# rc_of N / us_of N: the PAM code / the microseconds of step N in OUTPUT
rc_of() { sed -n "s/^step $1 [^:]*: rc=\([0-9-]*\).*/\1/p" <<<"$OUTPUT"; }
us_of() { sed -n "s/^step $1 .* us=\([0-9]*\)$/\1/p" <<<"$OUTPUT"; }
rcs() { local n out=; for n in "$@"; do out="$out${out:+ }$(rc_of "$n")"; done; echo "$out"; }
# one SERVICE USER PASSWORD RHOST: one login in a host process of its own; prints the code
one() {
  PMN_RHOST=$4 "$HOST" "$WORK/pam.d" "$1" "$2" "$3" -1 auth 2>&1 | sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1
}

pam_suite_begin throttle
mkdir -p "$WORK/run"
mdb_add_user bob@example.test 'B0b-pass!'
# throttle_table's documented schema, as shipped (docs/examples/pam_throttle.sql), from the start:
# the parts without throttle_table= must leave it empty.
mdb_sql "USE postfix; $(sed -n '/^CREATE TABLE/,/;$/p' "$REPO/docs/examples/pam_throttle.sql")
         GRANT SELECT, INSERT, UPDATE, DELETE ON postfix.pam_throttle TO 'postfix'@'127.0.0.1'"
# tsql SQL: a query on the table as the test sees it
tsql() { mdb_sql "USE postfix; $*"; }
# row KEY: failures and threshold of the key's row (empty: no row); the key compared as bytes
row() { tsql "SELECT failures, threshold FROM pam_throttle WHERE HEX(throttle_key) = '$(printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)'" | tr '\t' ' '; }
SEED="$SEED connect_timeout=1 query_timeout=1"
# 3 failures per address, 5 per user name, within 30 s; back-offs of 2 s, then 4 s.
T="$SEED throttle_attempts=3 throttle_user_attempts=5 throttle_window=30 throttle_max_backoff=4"
A=192.0.2.7 OTHER=198.51.100.9

echo "# --- in one host process (the in-process route)"
service local "$T broker=off"
syslog_mark
steps local <<STEPS
auth bob@example.test wrong1 $A
auth bob@example.test wrong2 $A
auth bob@example.test wrong3 $A
auth alice@example.test S3cret! $A
auth alice@example.test S3cret! $OTHER
run kill -STOP $MDB_PID
auth alice@example.test S3cret! $A
auth alice@example.test S3cret! 198.51.100.10
run kill -CONT $MDB_PID
sleep 2100
auth alice@example.test S3cret! $A
auth alice@example.test wrong4 $A
auth alice@example.test wrong5 $A
auth alice@example.test S3cret! $A
STEPS
check "3 wrong passwords from $A are checked" "7 7 7" "$(rcs 1 2 3)"
check "then the right password from $A is refused (throttled)" $PAM_AUTH_ERR "$(rc_of 4)"
check "the real user from another address is not affected" $PAM_SUCCESS "$(rc_of 5)"
check "database frozen: the throttled address still gets its answer" $PAM_AUTH_ERR "$(rc_of 6)"
check "database frozen: an address that is not throttled waits for the database" $PAM_AUTHINFO_UNAVAIL "$(rc_of 7)"
check_note "database frozen: the throttled answer took $(us_of 6) us, the unthrottled one $(us_of 7) us"
check_true "the throttled answer does not wait for the database (< 100 ms, the other >= 0.9 s)" \
  test "$(us_of 6)" -lt 100000 -a "$(us_of 7)" -ge 900000
check "after the back-off (2 s) the right password from $A is checked and accepted" $PAM_SUCCESS "$(rc_of 8)"
check "the success cleared $A: two more failures do not throttle it again" $PAM_SUCCESS "$(rc_of 11)"
LOG=$(syslog_since)
check "one syslog line when $A became throttled" 1 "$(grep -c "throttling address $A: 3 failed login(s) within 30 s" <<<"$LOG")"
check "one syslog line when it was released (by the success)" 1 \
  "$(grep -c "no longer throttling address $A after a successful login (2 attempt(s) refused" <<<"$LOG")"
check "no password in the log" 0 "$(grep -c -e wrong1 -e 'S3cret' <<<"$LOG")"

echo "# --- the back-off grows, one check per back-off, and ends by itself"
service short "$SEED throttle_attempts=3 throttle_window=6 throttle_max_backoff=4 broker=off"
syslog_mark
steps short <<STEPS
auth bob@example.test w1 $A
auth bob@example.test w2 $A
auth bob@example.test w3 $A
sleep 2100
auth bob@example.test w4 $A
auth bob@example.test B0b-pass! $A
sleep 2100
auth bob@example.test B0b-pass! $A
sleep 2100
auth bob@example.test w5 $A
sleep 6100
auth bob@example.test w6 $A
STEPS
check "right after the check that ended the first back-off, the right password is refused (the next back-off, 4 s)" \
  $PAM_AUTH_ERR "$(rc_of 5)"
check "2 s later still refused (the 4 s are not over)" $PAM_AUTH_ERR "$(rc_of 6)"
LOG=$(syslog_since)
check "one throttling line" 1 "$(grep -c "throttling address $A:" <<<"$LOG")"
check "one release line, when it was noticed" 1 "$(grep -c "no longer throttling address $A after 6 s without a failed login" <<<"$LOG")"
check "each back-off ended with one checked guess, and after the release the next was checked: w1-w6 reached the database, the 2 refused logins did not" 6 \
  "$(grep -c 'authentication failure: wrong password for user "bob@example.test"' <<<"$LOG")"

echo "# --- user names, IPv6 /64s, trusted networks, no PAM_RHOST"
service local2 "$T broker=off"
steps local2 <<STEPS
auth alice@example.test w1 203.0.113.1
auth alice@example.test w2 203.0.113.2
auth alice@example.test w3 203.0.113.3
auth alice@example.test w4 203.0.113.4
auth alice@example.test w5 203.0.113.5
auth alice@example.test S3cret! 203.0.113.6
auth bob@example.test B0b-pass! 203.0.113.6
auth bob@example.test w1 2001:db8:1:2::1
auth bob@example.test w2 2001:db8:1:2::2
auth bob@example.test w3 2001:db8:1:2:ffff::3
auth bob@example.test B0b-pass! 2001:db8:1:2::99
auth bob@example.test B0b-pass! 2001:db8:1:3::1
auth bob@example.test w 127.0.0.1
auth bob@example.test w 127.0.0.1
auth bob@example.test w 127.0.0.1
auth bob@example.test w 127.0.0.1
auth bob@example.test B0b-pass! 127.0.0.1
auth nobody@example.test x -
STEPS
check "5 failures for alice from 5 addresses throttle her name: her right password is refused" $PAM_AUTH_ERR "$(rc_of 6)"
check "bob from that address is not affected" $PAM_SUCCESS "$(rc_of 7)"
check "3 failures from one IPv6 /64 throttle the whole /64" $PAM_AUTH_ERR "$(rc_of 11)"
check "the next /64 is not affected" $PAM_SUCCESS "$(rc_of 12)"
check "loopback is trusted by default: never throttled" "7 7 7 7 0" "$(rcs 13 14 15 16 17)"
check "no PAM_RHOST: an unknown user is answered as unknown (checked)" $PAM_USER_UNKNOWN "$(rc_of 18)"

echo "# --- a process each, without the daemon: every process counts alone"
service perproc "$T broker=off"
B=192.0.2.50
for i in 1 2 3 4; do one perproc bob@example.test "wrong$i" $B >/dev/null; done
check "4 failures from $B in 4 processes, then the right password in a 5th: accepted" $PAM_SUCCESS \
  "$(one perproc bob@example.test 'B0b-pass!' $B)"

echo "# --- throttle_table: nothing without the option"
check "after all the failures above, without throttle_table= the table is empty" 0 "$(tsql "SELECT COUNT(*) FROM pam_throttle")"
mdb_sql "SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1"
one perproc bob@example.test wrongG1 192.0.2.90 >/dev/null
one perproc bob@example.test 'B0b-pass!' 192.0.2.90 >/dev/null
mdb_sql "SET GLOBAL general_log = 0"
GENERAL=$(mdb_sql "SELECT argument FROM mysql.general_log WHERE command_type = 'Query'")
check_true "the general log saw the module's lookups (so it would see any other statement)" grep -q 'FROM mailbox WHERE username' <<<"$GENERAL"
check "... and no statement on pam_throttle" 0 "$(grep -c pam_throttle <<<"$GENERAL")"

echo "# --- throttle_table: two mail servers (services mx1, mx2; a host process per login) share one table"
TT="$T throttle_table=pam_throttle broker=off"
service mx1 "$TT"
service mx2 "$TT"
D=192.0.2.80
syslog_mark
got=$(for server in mx1 mx2 mx1; do printf '%s ' "$(one $server bob@example.test "wrong-$server" $D)"; done)
check "3 failures from $D, on mx1, mx2, mx1 (each in a fresh process, none counting alone to 3)" "7 7 7 " "$got"
check "the table counted the address: failures 3, threshold 3" "3 3" "$(row "address $D")"
check "... and the user name: failures 3, threshold 5" "3 5" "$(row "user bob@example.test")"
check "mx2: the right password from $D is refused (throttled through the table)" $PAM_AUTH_ERR "$(one mx2 alice@example.test 'S3cret!' $D)"
check "mx2: the real user from another address is accepted" $PAM_SUCCESS "$(one mx2 alice@example.test 'S3cret!' $OTHER)"
check "the refusal was not counted as a failure" "3 3" "$(row "address $D")"
LOG=$(syslog_since)
check "one syslog line: mx2 throttles $D because of the table" 1 \
  "$(grep -c "throttling address $D: 3 failed login(s) counted in throttle_table pam_throttle by the servers that share it" <<<"$LOG")"
check "3 wrong passwords were checked, the refused login was not" 3 "$(grep -c 'authentication failure: wrong password for user "bob@example.test"' <<<"$LOG")"
sleep 2.1
check "after the back-off (2 s) mx1 checks the right password from $D and accepts it" $PAM_SUCCESS "$(one mx1 alice@example.test 'S3cret!' $D)"
check "the success deleted the address's row" "" "$(row "address $D")"
check "... not bob's (another key)" "3 5" "$(row "user bob@example.test")"
for i in 1 2 3; do one mx1 carol@example.test "w$i" 192.0.2.81 >/dev/null; done
sleep 2.1
one mx2 carol@example.test w4 192.0.2.81 >/dev/null
check "a failure after the back-off is one more step in the table (failures 4)" "4 3" "$(row "address 192.0.2.81")"
check "... so mx1 refuses the address for the doubled back-off (4 s): still refused 2 s later" $PAM_AUTH_ERR \
  "$(sleep 2.1; one mx1 alice@example.test 'S3cret!' 192.0.2.81)"

kill -STOP "$MDB_PID"
t0=$(date +%s%N)
frozen=$(one mx1 alice@example.test 'S3cret!' 192.0.2.82)
t1=$(date +%s%N)
kill -CONT "$MDB_PID"
check "database frozen: a login with throttle_table gets PAM_AUTHINFO_UNAVAIL" $PAM_AUTHINFO_UNAVAIL "$frozen"
ms=$(( (t1 - t0) / 1000000 ))
check_true "... after one timeout of 1 s, not a second one for the table (${ms} ms < 1900 ms)" test "$ms" -lt 1900

echo "# --- throttle_table: a hostile name and host are data"
EVIL_USER="x'); DROP TABLE mailbox; -- \\\" @example.test"
EVIL_HOST="evil'),('address 192.0.2.99',99,1,0,0)#"
check "an unknown hostile user name is answered as unknown" $PAM_USER_UNKNOWN "$(one mx1 "$EVIL_USER" 'x' "$EVIL_HOST")"
check "its row holds the name, lower-cased, byte for byte" "1 5" "$(row "user $(tr '[:upper:]' '[:lower:]' <<<"$EVIL_USER")")"
check "the host's row holds the PAM_RHOST text" "1 3" "$(row "host $EVIL_HOST")"
check "no row was injected" "" "$(row "address 192.0.2.99")"
check "the users' table is still there" 1 "$(tsql "SELECT COUNT(*) FROM mailbox WHERE username = 'alice@example.test'")"

echo "# --- throttle_table missing: one line, and the logins go on, throttled in memory"
service gone "$TT"
syslog_mark
E=192.0.2.85
steps gone <<STEPS
run mariadb --no-defaults -uroot --socket=$MDB_SOCK -e 'RENAME TABLE postfix.pam_throttle TO postfix.pam_throttle_away'
auth bob@example.test w1 $E
auth bob@example.test w2 $E
auth bob@example.test w3 $E
auth alice@example.test S3cret! $E
auth alice@example.test S3cret! $OTHER
run mariadb --no-defaults -uroot --socket=$MDB_SOCK -e 'RENAME TABLE postfix.pam_throttle_away TO postfix.pam_throttle'
STEPS
check "3 wrong passwords from $E are checked" "7 7 7" "$(rcs 1 2 3)"
check "then $E is throttled in memory" $PAM_AUTH_ERR "$(rc_of 4)"
check "the real user from another address is accepted" $PAM_SUCCESS "$(rc_of 5)"
check_true "no login took longer than 500 ms" test "$(for n in 1 2 3 4 5; do us_of $n; done | sort -n | tail -n 1)" -lt 500000
LOG=$(syslog_since)
check "one line says the table is unusable, for all 5 logins" 1 "$(grep -c "throttle_table pam_throttle unusable: .*doesn't exist.*counted in memory only for 30 s" <<<"$LOG")"

echo "# --- through the daemon: the failures of every host process add up"
SOCK=$WORK/run/socket
"$CLI" daemon --socket "$SOCK" --workers 4 >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
on_exit "kill $DAEMON_PID; wait $DAEMON_PID"
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
check_true "the daemon listens on $SOCK" test -S "$SOCK"
service shared "$T broker=required broker_socket=$SOCK"
C=192.0.2.60
syslog_mark
first=$(one shared bob@example.test wrong1 $C)
second=$(one shared bob@example.test wrong2 $C)
third=$(one shared alice@example.test wrong3 $C)
check "3 failures from $C in 3 host processes are checked" "7 7 7" "$first $second $third"
check "a 4th process: the right password from $C is refused (the daemon counted all 3)" $PAM_AUTH_ERR \
  "$(one shared alice@example.test 'S3cret!' $C)"
check "a 5th process from another address: accepted" $PAM_SUCCESS "$(one shared alice@example.test 'S3cret!' $OTHER)"
kill -STOP "$MDB_PID"
t0=$(date +%s%N)
frozen=$(one shared alice@example.test 'S3cret!' $C)
t1=$(date +%s%N)
kill -CONT "$MDB_PID"
check "database frozen: the throttled address gets its answer from the daemon" $PAM_AUTH_ERR "$frozen"
ms=$(( (t1 - t0) / 1000000 ))
check_note "database frozen: a whole host process (exec, pam_start, the daemon's refusal, pam_end) took $(( (t1 - t0) / 1000 )) us"
check_true "... well within the database's 1 s timeout (${ms} ms < 800 ms)" test "$ms" -lt 800
check "one syslog line for $C, once for all the processes" 1 "$(syslog_since | grep -c "throttling address $C:")"
sleep 2.1
check "after the back-off the right password is accepted through the daemon" $PAM_SUCCESS \
  "$(one shared alice@example.test 'S3cret!' $C)"
check "... and the release is logged once" 1 "$(syslog_since | grep -c "no longer throttling address $C after a successful login")"

echo "# --- pam-mysql-net daemon --status"
for i in 1 2 3; do one shared erin@example.test "s$i" 192.0.2.70 >/dev/null; done
one shared erin@example.test s4 192.0.2.70 >/dev/null
STATUS=$("$CLI" daemon --status --socket "$SOCK" 2>&1); st=$?
sed 's/^/#   /' <<<"$STATUS"
check "status: exit 0" 0 "$st"
check_true "status: the first line counts the throttled keys" grep -q '^throttled: 1 of [0-9]* addresses and user names counted$' <<<"$STATUS"
check_true "status: lists 192.0.2.70 (3 failures, step 1, 1 refused)" \
  grep -Eq '^address 192\.0\.2\.70: 3 failure\(s\), back-off step 1, next check in [0-2]\.[0-9] s, released in [0-9]+\.[0-9] s without a failure, 1 refused$' <<<"$STATUS"
check "status: $C, released by its success, is not listed" 0 "$(grep -c "address $C" <<<"$STATUS")"
check "status: --max 0 is a usage error" 2 "$("$CLI" daemon --status --max 0 --socket "$SOCK" >/dev/null 2>&1; echo $?)"
sleep 2.1
check "after the back-off alice's right password from 192.0.2.70 is accepted" $PAM_SUCCESS "$(one shared alice@example.test 'S3cret!' 192.0.2.70)"
check "status: after the release it is not listed" 0 "$("$CLI" daemon --status --socket "$SOCK" | grep -c '192\.0\.2\.70')"
chmod 666 "$SOCK"
refused=$(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 - "$SOCK" <<'PY'
import socket, struct, sys
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.settimeout(5)
c.connect(sys.argv[1])
try:
    c.sendall(b"I" + struct.pack("<I", 4) + struct.pack("<i", 100))
    print("answered" if c.recv(64) else "closed")
except (BrokenPipeError, ConnectionResetError):
    print("closed")
PY
)
chmod 600 "$SOCK"
check "status: a peer that is not root (uid 65534) gets the connection closed unanswered" closed "$refused"
check_true "... and the daemon says why" grep -q 'refusing connections from uid 65534' <<<"$(syslog_since)"
malformed=$(python3 - "$SOCK" <<'PY'
import socket, struct, sys
out = []
for payload in (struct.pack("<ii", 100, 0), struct.pack("<i", 0), struct.pack("<i", 1001), b""):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(8)
    c.connect(sys.argv[1])
    try:
        c.sendall(b"I" + struct.pack("<I", len(payload)) + payload)
        out.append("answered" if c.recv(64) else "closed")
    except (BrokenPipeError, ConnectionResetError):
        out.append("closed")
    c.close()
print(" ".join(out))
PY
)
check "status: a request of 8 bytes, for 0 keys, for 1001 keys, or empty is closed unanswered" "closed closed closed closed" "$malformed"
check "status: the daemon still answers one that is well formed" 0 "$("$CLI" daemon --status --socket "$SOCK" >/dev/null 2>&1; echo $?)"
check "status: without a daemon, exit 2" 2 "$("$CLI" daemon --status --socket "$WORK/run/none" >/dev/null 2>&1; echo $?)"

echo "# --- pam-mysql-net check"
check "check prints the effective throttle settings in one line" 1 \
  "$("$CLI" check --pam-line "$T" 2>/dev/null | grep -c '^  throttle: on: an address after 3 failed logins within 30 s, a user name after 5; back-off 2 s doubling to 4 s; trusted: 127.0.0.0/8,::1/128; counted in this process only (no throttle_table); failure delay 0 s$')"
CHECKED=$("$CLI" check --pam-line "$TT" 2>&1)
check "check names the shared table" 1 "$(grep -c '^  throttle: on: .*; shared through the table pam_throttle; failure delay 0 s$' <<<"$CHECKED")"
check "check reads the table" 1 "$(grep -c '^  throttle_table pam_throttle: readable' <<<"$CHECKED")"
check "check: a missing table is a problem" 1 \
  "$("$CLI" check --pam-line "$T throttle_table=postfix.no_such_table" 2>&1 | grep -c "PROBLEM: throttle_table postfix.no_such_table: cannot be read: .*doesn't exist")"
check "check: a table name that is SQL is refused" 1 \
  "$("$CLI" check --pam-line "$T throttle_table=pam_throttle;DROP" 2>&1 | grep -c "PROBLEM: option 'throttle_table' is not a table name")"

echo "# --- the database stopped: throttle_table unusable, in-memory throttling goes on"
service down "$TT"
H=192.0.2.95
steps down <<STEPS
auth dave@example.test w1 $H
auth dave@example.test w2 $H
auth dave@example.test w3 $H
run mariadb --no-defaults -uroot --socket=$MDB_SOCK -N -B -e "SELECT failures, threshold FROM postfix.pam_throttle WHERE throttle_key = 'address $H'" >$WORK/down-row
run kill $MDB_PID; while kill -0 $MDB_PID 2>/dev/null; do sleep 0.05; done
auth alice@example.test S3cret! $H
auth alice@example.test S3cret! $OTHER
STEPS
check "3 failures from $H are checked (and counted in the table)" "10 10 10" "$(rcs 1 2 3)"
check "... the table has them" "3 3" "$(tr '\t' ' ' <"$WORK/down-row")"
check "database stopped: $H is still throttled (in memory)" $PAM_AUTH_ERR "$(rc_of 4)"
check_true "... at once (< 100 ms)" test "$(us_of 4)" -lt 100000
check "database stopped: another address gets PAM_AUTHINFO_UNAVAIL, not an error of the throttle" $PAM_AUTHINFO_UNAVAIL "$(rc_of 5)"

check_summary
