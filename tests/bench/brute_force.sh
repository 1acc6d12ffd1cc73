#!/usr/bin/env bash
# Brute force through saslauthd: what a real user waits while attackers send wrong passwords, and
# how fast the attackers get answers, for several fail_delay / throttle settings and, side by
# side, Debian's C pam_mysql.so. Measures; asserts nothing. The README's "Brute force" numbers.
#   bash tests/bench/brute_force.sh          (as root, after cmake --build out)
# Env: PMN_BF_SECONDS (15, per configuration), PMN_BF_ATTACKERS ("8 32"), PMN_BF_WORKERS (5,
#      Debian's saslauthd default), PMN_BF_CONFIGS (default: the list below), PMN_KEEP=1.
# Each configuration: a fresh saslauthd -a pam -r -n WORKERS; A attacker loops (sasl_load.py,
# every request a wrong password for bob) and one real-user loop (alice, right password, one at a
# time) run together for SECONDS. saslauthd 2.1.28 sets no PAM_RHOST, so only the per-user
# counter can throttle here; "throttle=off" shows an attack the counters cannot see (one spread
# over many names and addresses). "guesses checked/s" counts the SELECTs that reached MariaDB
# (Com_select) less the real user's: the attackers' guesses that were verified.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/check.sh"
source "$REPO/tests/lib/mariadb.sh"
source "$REPO/tests/lib/saslauthd.sh"
source "$REPO/tests/lib/sasl_load.sh"

SECONDS_EACH=${PMN_BF_SECONDS:-15}
ATTACKERS=${PMN_BF_ATTACKERS:-"8 32"}
WORKERS=${PMN_BF_WORKERS:-5}
OURS=$REPO/out/pam_mysql_net.so
THEIRS=/lib/x86_64-linux-gnu/security/pam_mysql.so
WORK=$(mktemp -d /tmp/pmn-bf.XXXXXX)
chmod 755 "$WORK"
daemon_stop() {
  [ -n "$DAEMON_PID" ] || return 0
  kill "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
}
cleanup() {
  daemon_stop
  sasl_stop >/dev/null 2>&1
  sasl_remove_pam_service
  mdb_stop
  if [ "${PMN_KEEP:-0}" = 1 ]; then echo "# kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mdb_start "$WORK/db" || { echo "MariaDB did not start"; exit 2; }
mdb_seed_mailbox
mdb_add_user alice@example.test 'S3cret!'
mdb_add_user bob@example.test 'B0b-pass!'
SEED="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 md5=1"

# NAME|MODULE|OPTIONS
CONFIGS=${PMN_BF_CONFIGS:-"ours fail_delay=2 (the old default), throttle=off|$OURS|fail_delay=2 throttle=off
ours fail_delay=1, throttle=off|$OURS|fail_delay=1 throttle=off
ours fail_delay=0, throttle=off|$OURS|fail_delay=0 throttle=off
ours fail_delay=2, throttle=on|$OURS|fail_delay=2
ours fail_delay=0, throttle=on (the new defaults)|$OURS|fail_delay=0
ours, the new defaults, through the daemon|$OURS|broker=required broker_socket=@SOCKET@
C pam_mysql 0.8.2|$THEIRS|"}
SOCKET=$WORK/run/socket
DAEMON_PID=

measure() {
  local name=$1 module=$2 opts=$3 attackers=$4 rundir
  rundir=$WORK/run-$RANDOM
  if [[ $opts == *@SOCKET@* ]]; then
    opts=${opts//@SOCKET@/$SOCKET}
    "$REPO/out/pam-mysql-net" daemon --socket "$SOCKET" >"$WORK/daemon.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 1 100); do [ -S "$SOCKET" ] && break; sleep 0.05; done
  fi
  load_pam_service "$module" "$SEED $opts"
  load_sasl_start "$WORKERS" "$rundir" "$WORK/saslauthd.log" || return 1
  # Warm every worker once.
  python3 "$LOAD_PY" run --mux "$SASL_MUX" --service "$SASL_SERVICE" --user alice@example.test \
    --password 'S3cret!' --concurrency "$WORKERS" --count $((WORKERS * 4)) >/dev/null
  local base attack real
  load_run base --user alice@example.test --password 'S3cret!' --concurrency 1 --duration 3
  local selects0 selects1
  selects0=$(mdb_sql "SHOW GLOBAL STATUS LIKE 'Com_select'" | awk '{print $2}')
  if [ "$attackers" -gt 0 ]; then
    python3 "$LOAD_PY" run --mux "$SASL_MUX" --service "$SASL_SERVICE" --user bob@example.test \
      --password 'B0b-pass!' --wrong-every 1 --concurrency "$attackers" --duration "$SECONDS_EACH" \
      --timeout 30 >"$WORK/attack.out" &
    local apid=$!
    sleep 1
    load_run real --user alice@example.test --password 'S3cret!' --concurrency 1 --duration $((SECONDS_EACH - 2)) --timeout 30
    wait "$apid"
    attack=$(tail -n 1 "$WORK/attack.out")
  fi
  selects1=$(mdb_sql "SHOW GLOBAL STATUS LIKE 'Com_select'" | awk '{print $2}')
  sasl_stop >/dev/null 2>&1
  sasl_remove_pam_service
  daemon_stop
  # Guesses that reached the database: every SELECT, less the real user's.
  local guesses=$(( selects1 - selects0 - $(load_get "$real" total) ))
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$attackers" \
    "$(load_get "$base" p50ms)" "$(load_get "$real" p50ms)" "$(load_get "$real" p99ms)" \
    "$(awk -v n="$(load_get "$attack" total)" -v s="$SECONDS_EACH" 'BEGIN { printf "%.1f", n / s }')" \
    "$(load_get "$attack" p50ms)" "$(awk -v n="$guesses" -v s="$SECONDS_EACH" 'BEGIN { printf "%.1f", n / s }')"
  [ "$(load_get "$real" bad)" = 0 ] || echo "#   the real user was refused $(load_get "$real" bad) time(s)"
}

echo "saslauthd -n $WORKERS, ${SECONDS_EACH} s per row; ms are medians (p50) and 99th percentiles"
echo
echo "| configuration | attacker loops | real user alone, p50 ms | real user under attack, p50 ms | p99 ms | attacker answers/s | attacker p50 ms | guesses checked/s |"
echo "|---|---|---|---|---|---|---|---|"
for a in $ATTACKERS; do
  while IFS='|' read -r name module opts; do
    [ -n "$name" ] || continue
    [ -f "$module" ] || { echo "| $name | $a | (no $module) |"; continue; }
    measure "$name" "$module" "$opts" "$a"
  done <<<"$CONFIGS"
done
