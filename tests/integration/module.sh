#!/usr/bin/env bash
# The built module (out/pam_mysql_net.so) through real libpam against a throwaway MariaDB:
# the seed's Postfix line, pam_mysql's return codes, hostile user names, bad options, a stopped and
# a frozen database, host safety (NODELETE, 10,000 cycles in one process, fork, SIGPIPE) and the
# syslog lines (one per failure, never a secret).
#   bash tests/integration/module.sh          (after cmake --build out; run as root)
# PMN_CYCLES sets the number of in-process cycles (default 10000).
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"

# The frame: WORK, syslog capture, MariaDB with the mailbox table and alice@example.test, SEED
# (the seed's line + nodelay, so that each refused login does not sleep in libpam; the delay
# itself is checked below with the seed line as it is), service and rc.
pam_suite_begin module
ETC_SERVICE=pmn-test-$$-$RANDOM
on_exit rm -f "/etc/pam.d/$ETC_SERVICE"
mdb_add_user 'bob@example.test' 'pässwörd ü'
mdb_set_password nullpw@example.test NULL
mdb_set_password emptypw@example.test ''
mdb_set_password broken@example.test '$1$abc'
mdb_set_password plain@example.test 'plain-text-pw'
mdb_add_user inactive@example.test 'S3cret!'
mdb_sql "UPDATE postfix.mailbox SET active = 0 WHERE username = 'inactive@example.test'"
SEED_LINE=${SEED% nodelay}

echo "# build properties"
check_true "core is linked NODELETE" bash -c "readelf -d '$OUT/pam_mysql_net_core.so' | grep -q 'FLAGS_1.*NODELETE'"
check_true "shim is linked NODELETE" bash -c "readelf -d '$MODULE' | grep -q 'FLAGS_1.*NODELETE'"
check "shim exports only pam_sm_*" \
  "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_chauthtok pam_sm_close_session pam_sm_open_session pam_sm_setcred" \
  "$(nm -D --defined-only "$MODULE" | awk '{print $3}' | sort | xargs)"
check "core exports only pmn_*" "pmn_abi_version pmn_handle" \
  "$(nm -D --defined-only "$OUT/pam_mysql_net_core.so" | awk '$2=="T"{sub(/@.*/,"",$3); print $3}' | sort | xargs)"

echo "# the seed's Postfix line"
service smtp "$SEED"
check "good password" $PAM_SUCCESS "$(rc smtp alice@example.test 'S3cret!')"
check "UTF-8 password" $PAM_SUCCESS "$(rc smtp bob@example.test 'pässwörd ü')"
check "wrong password" $PAM_AUTH_ERR "$(rc smtp alice@example.test 'S3cret')"
check "unknown user" $PAM_USER_UNKNOWN "$(rc smtp nobody@example.test 'S3cret!')"
check "case-insensitive collation matches as in pam_mysql" $PAM_SUCCESS "$(rc smtp ALICE@EXAMPLE.TEST 'S3cret!')"
check "NULL stored password" $PAM_AUTH_ERR "$(rc smtp nullpw@example.test '')"
check "empty stored password" $PAM_AUTH_ERR "$(rc smtp emptypw@example.test '')"
check "malformed stored hash" $PAM_AUTH_ERR "$(rc smtp broken@example.test 'x')"
check "account: existing user" $PAM_SUCCESS "$(rc smtp alice@example.test '' acct)"
check "account: unknown user" $PAM_USER_UNKNOWN "$(rc smtp nobody@example.test '' acct)"

echo "# hostile user names"
for name in "x' OR '1'='1" "%" "_" "a\\' OR 1=1 -- " "alice@example.%" "alice@example.tes_" \
            "' UNION SELECT '\$1\$x\$y' -- "; do
  check "user name [$name]" $PAM_USER_UNKNOWN "$(rc smtp "$name" 'S3cret!')"
done
check "10 KB user name" $PAM_USER_UNKNOWN "$(rc smtp "$(head -c 10240 /dev/zero | tr '\0' u)" 'S3cret!')"
check "user name with control characters" $PAM_USER_UNKNOWN "$(rc smtp "$(printf 'alice\tx\x01')" 'S3cret!')"
check "user name that is not UTF-8" $PAM_USER_UNKNOWN "$(rc smtp "$(printf 'al\xffice')" 'S3cret!')"

echo "# options"
service plain "${SEED/crypt=1/crypt=0}"
check "crypt=0 plain text" $PAM_SUCCESS "$(rc plain plain@example.test 'plain-text-pw')"
check "crypt=0 wrong" $PAM_AUTH_ERR "$(rc plain plain@example.test 'plain-text-p')"
service where "$SEED" "[where=active = 1 AND domain <> 'x y']"
check "[where=...] keeps active users" $PAM_SUCCESS "$(rc where alice@example.test 'S3cret!')"
check "[where=...] hides inactive users" $PAM_USER_UNKNOWN "$(rc where inactive@example.test 'S3cret!')"
service badcrypt "${SEED/crypt=1/crypt=bogus}"
check "bad crypt value" $PAM_SERVICE_ERR "$(rc badcrypt alice@example.test 'S3cret!')"
service nodb "${SEED/db=postfix/}"
check "missing db" $PAM_SERVICE_ERR "$(rc nodb alice@example.test 'S3cret!')"
service badtable "${SEED/table=mailbox/table=nosuchtable}"
check "missing table (SQL error)" $PAM_SERVICE_ERR "$(rc badtable alice@example.test 'S3cret!')"
service evil "${SEED/table=mailbox/[table=mailbox; DROP TABLE mailbox]}"
check "table with ';' refused" $PAM_SERVICE_ERR "$(rc evil alice@example.test 'S3cret!')"
check "mailbox table still there" 7 "$(mdb_sql 'SELECT COUNT(*) FROM postfix.mailbox')"
service unknownopt "$SEED" usercolum=oops
check "unknown option is not fatal" $PAM_SUCCESS "$(rc unknownopt alice@example.test 'S3cret!')"
service baddbpw "${SEED/passwd=yourpass/passwd=wrong}"
check "bad DB password" $PAM_AUTHINFO_UNAVAIL "$(rc baddbpw alice@example.test 'S3cret!')"
service useonly "$SEED" use_first_pass
check "use_first_pass without an earlier password" $PAM_AUTH_ERR "$(rc useonly alice@example.test 'S3cret!')"

echo "# syslog: one clear line per failure, no secrets"
service debug "$SEED" debug
syslog_mark
rc debug alice@example.test 'Wr0ngPassw0rd' >/dev/null
since=$(syslog_since)
check "wrong password logs one line" 1 "$(grep -c 'pam_mysql_net(debug:auth)' <<<"$since")"
check_true "that line names the cause" grep -q 'wrong password for user "alice@example.test"' <<<"$since"
syslog_mark
rc smtp nobody@example.test 'x' >/dev/null
check_true "unknown user is not named without debug" bash -c "! tail -n 2 '$WORK/syslog' | grep -q nobody"
rc debug nobody@example.test 'x' >/dev/null
rc badcrypt alice@example.test 'S3cret!' >/dev/null
check_true "bad option is logged by name" bash -c "grep -q \"configuration error: option 'crypt': unknown crypt mode\" '$WORK/syslog'"
check_true "unknown option is logged by name" bash -c "grep -q \"unknown option 'usercolum' ignored\" '$WORK/syslog'"
check_true "DB failure names the cause" bash -c "grep -q 'database unavailable: cannot connect to 127.0.0.1:$MDB_PORT: Access denied' '$WORK/syslog'"
# Fail-over: nothing listens on DEAD_PORT; the login succeeds on the next server and one warning
# names the server that failed.
DEAD_PORT=$(mdb_free_port)
service failover "${SEED/host=127.0.0.1:$MDB_PORT/host=127.0.0.1:$DEAD_PORT,127.0.0.1:$MDB_PORT}"
syslog_mark
check "first server refuses, the second answers" $PAM_SUCCESS "$(rc failover alice@example.test 'S3cret!')"
since=$(syslog_since)
check "the failed server is named in one warning line" 1 \
  "$(grep -c "cannot connect to 127.0.0.1:$DEAD_PORT: .*; trying 127.0.0.1:$MDB_PORT" <<<"$since")"
check "and that is the only line" 1 "$(grep -c 'pam_mysql_net' <<<"$since")"

echo "# host safety"
CYCLES=${PMN_CYCLES:-10000}
service cycles "$SEED" connect_timeout=1 query_timeout=1
"$HOST" "$WORK/pam.d" cycles alice@example.test 'S3cret!' 0 cycles "$CYCLES" >"$WORK/cycles.log" 2>&1
check "$CYCLES pam_start/authenticate/end cycles in one process" 0 "$?"
count() { sed -n "s/$1: .*$2=\([0-9]*\).*/\1/p" "$WORK/cycles.log"; }
# Flat: the runtime's thread pool may add one worker when the CPU is starved, never more.
warm_threads=$(count 'after warm-up' threads) last_threads=$(count 'after last cycle' threads)
check_true "thread count flat after warm-up ($warm_threads -> $last_threads)" \
  test "${last_threads:-999}" -le "$(( ${warm_threads:-0} + 1 ))"
check "fd count flat after warm-up" "$(count 'after warm-up' fds)" "$(count 'after last cycle' fds)"
rss_growth=$(( $(count 'after last cycle' rss_kb) - $(count 'after warm-up' rss_kb) ))
check_true "RSS growth after warm-up under 4 MB (${rss_growth} kB)" test "$rss_growth" -lt 4096
grep -E 'before|after' "$WORK/cycles.log"
# What the module costs its host (README, Design): against the host before its first login.
# Threads: the runtime's finalizer, timer and socket-poller threads, plus the thread pool's gate
# and its one worker: the driver arms a connect-timeout timer at every open, and when it expires
# (after connect_timeout, 1 s here) the thread pool runs it; the worker leaves after 1 s idle.
vm_added=$(( $(count 'after last cycle' vmsize_kb) - $(count 'before first cycle' vmsize_kb) ))
rss_added=$(( $(count 'after last cycle' rss_kb) - $(count 'before first cycle' rss_kb) ))
threads_added=$(( $(count 'after last cycle' threads) - $(count 'before first cycle' threads) ))
check_note "added to the host after $CYCLES logins: VmSize ${vm_added} kB, RSS ${rss_added} kB, threads ${threads_added}"
check_true "address space added at most 96 MiB (${vm_added} kB)" test "$vm_added" -le 98304
check_true "RSS added at most 16 MiB (${rss_added} kB)" test "$rss_added" -le 16384
check_true "threads added at most 5 (${threads_added})" test "$threads_added" -le 5
# A multi-threaded host (a RADIUS or VPN server) logging users in from several threads at once:
# with too little GC address space the runtime crashed such hosts (SIGSEGV, 7 runs in 8).
for t in "8 200" "8 200" "8 200" "8 200" "32 50"; do
  timeout 120 "$HOST" "$WORK/pam.d" smtp alice@example.test 'S3cret!' 0 threads $t >"$WORK/threads.log" 2>&1
  check "multi-threaded host, ${t% *} threads x ${t#* } logins at once: all right, no crash" 0 "$?"
done
timeout 60 "$HOST" "$WORK/pam.d" smtp alice@example.test 'S3cret!' 0 fork 3 >"$WORK/fork.log" 2>&1
check "fork after first use: child, grandchildren and parent all answer" 0 "$?"
check "every generation authenticated" 7 "$(grep -c '^auth.*rc=0' "$WORK/fork.log")"
timeout 60 "$HOST" "$WORK/pam.d" smtp alice@example.test 'S3cret!' 0 sigpipe >"$WORK/sigpipe.log" 2>&1
check "host's SIGPIPE disposition unchanged" 0 "$?"

echo "# failure delay and timing"
# The default is no delay since the brute-force work (README, "Brute force": a delay puts a
# worker of saslauthd's pool to sleep per wrong password); fail_delay=2 is the old behaviour.
service delayed "$SEED_LINE fail_delay=2"
service undelayed "$SEED_LINE"
service nodelay "$SEED_LINE fail_delay=2 nodelay"
elapsed_ms() { local s; s=$(date +%s%N); "$@" >/dev/null; echo $(( ($(date +%s%N) - s) / 1000000 )); }
ms=$(elapsed_ms rc delayed alice@example.test 'wrong')
# libpam varies the requested delay by up to ±50 % (_pam_compute_delay)
check_true "fail_delay=2: a refused login is delayed about 2 s by libpam (${ms} ms)" test "$ms" -ge 950
ms=$(elapsed_ms rc delayed alice@example.test 'S3cret!')
check_true "a successful login is not delayed (${ms} ms)" test "$ms" -lt 1500
ms=$(elapsed_ms rc undelayed alice@example.test 'wrong')
check_true "the seed line as it is (default fail_delay=0): a refused login answers at once (${ms} ms)" test "$ms" -lt 900
ms=$(elapsed_ms rc nodelay alice@example.test 'wrong')
check_true "nodelay overrides fail_delay=2: a refused login answers at once (${ms} ms)" test "$ms" -lt 900
check "a password over 512 bytes is refused" $PAM_AUTH_ERR "$(rc smtp alice@example.test "$(head -c 513 /dev/zero | tr '\0' p)")"
# throttle=off: 300 failures per name in one process would be throttled after 20, and the
# throttled answer (no query, no hash) is not the path whose timing is compared here.
service timing "$SEED throttle=off"
PMN_OTHER_USER=nobody@example.test "$HOST" "$WORK/pam.d" timing alice@example.test 'wrong' -1 timing 300 >"$WORK/timing.log" 2>&1
check "timing run: wrong password and unknown user alternate cleanly" 0 "$?"
sed 's/^/# /' "$WORK/timing.log"
w=$(sed -n 's/wrong_password_median_us=\([0-9]*\).*/\1/p' "$WORK/timing.log")
u=$(sed -n 's/unknown_user_median_us=\([0-9]*\).*/\1/p' "$WORK/timing.log")
check_true "unknown user costs what a wrong password costs (medians ${u} vs ${w} us, within 10 %)" \
  test "$(( (u > w ? u - w : w - u) * 100 ))" -le "$(( w * 10 ))"

echo "# pamtester with a service in /etc/pam.d"
printf 'auth required %s %s\naccount required %s %s\n' "$MODULE" "$SEED" "$MODULE" "$SEED" >"/etc/pam.d/$ETC_SERVICE"
echo 'S3cret!' | pamtester "$ETC_SERVICE" alice@example.test authenticate acct_mgmt >"$WORK/pt.log" 2>&1
check "pamtester: good password" 0 "$?"
echo 'nope' | pamtester "$ETC_SERVICE" alice@example.test authenticate >"$WORK/pt.log" 2>&1
check "pamtester: wrong password refused" 1 "$?"

echo "# hosts that cap their address space (Dovecot's auth-worker, vsftpd)"
# exit status of one pamtester login under an RLIMIT_AS of $1 bytes (stdin: the password)
capped() { prlimit --as="$1" pamtester "$ETC_SERVICE" "$2" authenticate >/dev/null 2>&1; echo $?; }
ok=0 crashed=0 wrong=0
for i in $(seq 1 200); do
  r=$(echo 'S3cret!' | capped 134217728 alice@example.test)
  if [ "$r" = 0 ]; then ok=$((ok + 1)); elif [ "$r" -ge 128 ]; then crashed=$((crashed + 1)); else wrong=$((wrong + 1)); fi
done
check "128 MiB cap: 200 logins accepted, none refused or crashed" "200 0 0" "$ok $wrong $crashed"
check "128 MiB cap: wrong password refused" 1 "$(echo nope | capped 134217728 alice@example.test)"
check "128 MiB cap: unknown user refused" 1 "$(echo x | capped 134217728 nobody@example.test)"
syslog_mark
check "64 MiB cap: too little room for the runtime, the helper answers" 0 "$(echo 'S3cret!' | capped 67108864 alice@example.test)"
check_true "and says so in one line" bash -c "grep -q 'address space limit 64 MiB leaves .* using the helper process' <<<\"\$1\"" _ "$(syslog_since)"
check "64 MiB cap: wrong password refused by the helper" 1 "$(echo nope | capped 67108864 alice@example.test)"
r=$(echo 'S3cret!' | capped 25165824 alice@example.test)
check "24 MiB cap: no room even for the helper, refused, the host lives" 1 "$r"

echo "# an OpenSSL .NET cannot use: refused with a log line, never an abort of the host"
# A private mount namespace in which libssl.so.3 is an empty file (a broken installation).
LIBSSL=$(ldconfig -p | sed -n 's/.*libssl.so.3 (libc6,x86-64) => //p' | head -n 1)
syslog_mark
out=$(unshare --mount --propagation private bash -c 'mount --bind /dev/null "$1" && shift && "$@"' _ \
  "$LIBSSL" "$HOST" "$WORK/pam.d" smtp alice@example.test 'S3cret!' -1 auth 2>&1)
check "no usable libssl: PAM_AUTHINFO_UNAVAIL and the host exits normally" "rc=$PAM_AUTHINFO_UNAVAIL" \
  "$(sed -n 's/.*\(rc=[0-9-]*\).*/\1/p' <<<"$out" | head -n 1)"
check_true "the log line names the cause" bash -c "grep -q 'cannot use OpenSSL: no libssl.so.3' <<<\"\$1\"" _ "$(syslog_since)"

echo "# a frozen and a stopped database"
service fast "$SEED" connect_timeout=2
mdb_freeze
start=$(date +%s%N)
check "frozen database: PAM_AUTHINFO_UNAVAIL" $PAM_AUTHINFO_UNAVAIL "$(rc fast alice@example.test 'S3cret!')"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check_true "frozen database answered within the connect timeout (${elapsed} ms)" test "$elapsed" -lt 4000
mdb_thaw
check "thawed database answers again" $PAM_SUCCESS "$(rc fast alice@example.test 'S3cret!')"
MDB_PORT_WANTED=$MDB_PORT
mdb_stop
check "stopped database: PAM_AUTHINFO_UNAVAIL" $PAM_AUTHINFO_UNAVAIL "$(rc smtp alice@example.test 'S3cret!')"
mdb_start "$WORK/db" || harness_fatal "MariaDB did not restart"
check "restarted database answers again" $PAM_SUCCESS "$(rc smtp alice@example.test 'S3cret!')"

echo "# no secret ever reached syslog"
for secret in 'S3cret!' 'Wr0ngPassw0rd' 'pässwörd ü' 'plain-text-pw' yourpass \
              "$(mdb_sql "SELECT password FROM postfix.mailbox WHERE username='alice@example.test'")"; do
  check_true "syslog holds no '${secret:0:3}…'" bash -c "! grep -qF -- \"\$1\" '$WORK/syslog'" _ "$secret"
done

harness_end
