#!/usr/bin/env bash
# Fail-over under load, with real servers killed for real (SIGKILL):
#   (a) MariaDB primary + asynchronous read-only replica, host=primary,replica: 8 concurrent
#       clients through `saslauthd -a pam -r -n 4`; the primary is killed mid-run and restarted.
#   (b) a 3-node Galera cluster (galera-4, rsync SST), host=n1,n2,n3: same load; node 1 (the one
#       serving) is killed mid-run, then restarted and rejoins while the load goes on.
# Counted: every request's answer (the right password must get OK, every 10th request sends a
# wrong one that must get NO). Goal and assertion: zero wrong answers, also in flight at the kill.
# Also checked: the other server really served during the outage, the first server serves again
# once failover_backoff has passed, saslauthd's master and workers keep their PIDs.
#
#   bash tests/integration/failover.sh            (root; after cmake --build out; ~2 minutes)
#   PMN_LONG=1 bash tests/integration/failover.sh (longer load, default back-off; ~4 minutes)
# Env: PMN_PARTS ("replication galera" by default) runs only the parts named; PMN_MODULE (absolute .so path, default out/pam_mysql_net.so), PMN_KEEP=1 keeps the logs.
# Output: "ok - ..." / "FAIL - ..." lines, last line "N passed, N failed"; exit 1 if any failed.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$REPO/tests/lib/sasl_suite.sh"
. "$REPO/tests/lib/sasl_load.sh"
. "$REPO/tests/lib/replication.sh"
. "$REPO/tests/lib/galera.sh"

PW='S3cret-alice'
CLIENTS=8
# A killed server refuses at once; no login should wait for a timeout (connect_timeout=2).
SLOW_MS=5000
if [ "${PMN_LONG:-0}" = 1 ]; then
  LOAD_SECS=60 KILL_AT=15 RESTART_AT=30 BACKOFF=30
else
  LOAD_SECS=16 KILL_AT=5 RESTART_AT=9 BACKOFF=4
fi

stop_all() {
  sasl_stop
  sasl_remove_pam_service
  repl_stop
  gal_stop
}

# opts HOST,HOST,...: the classic recipe's options with several servers and a short back-off
# nodelay: these suites time refused logins during outages; the failure delay is checked in module.sh
opts() {
  echo "user=postfix passwd=yourpass host=$1 db=postfix table=mailbox usercolumn=username" \
    "passwdcolumn=password crypt=1 md5=1 connect_timeout=2 query_timeout=3 failover_backoff=$BACKOFF nodelay"
}

# Com_select of a server (root over its socket): how many SELECTs it has served.
com_select() { mariadb --no-defaults -uroot --socket="$1" -N -B -e "SHOW GLOBAL STATUS LIKE 'Com_select'" 2>/dev/null | awk '{print $2}'; }

elapsed() { echo "$(load_now) - $1" | bc | xargs printf '%.1f'; }

# group_pids: saslauthd master and workers, one line
group_pids() { sasl_group_pids | sort -n | xargs; }

# run_background CSV [SECONDS]: the load for LOAD_SECS (or SECONDS, or until CSV.stop exists);
# sets LOAD_BG_PID
run_background() {
  rm -f "$1.stop"
  python3 "$LOAD_PY" run --mux "$SASL_MUX" --service "$SASL_SERVICE" --user alice@example.test \
    --password "$PW" --concurrency "$CLIENTS" --duration "${2:-$LOAD_SECS}" --wrong-every 10 --timeout 20 \
    --csv "$1" --stop-file "$1.stop" >"$1.summary" 2>&1 &
  LOAD_BG_PID=$!
}

# report NAME CSV FROM TO: counts of a time window; asserts zero wrong answers in it
report() {
  local name=$1 w
  load_window w "$2" "$3" "$4"
  check_note "$name: $w"
  check "$name: wrong answers" 0 "$(load_get "$w" bad)"
  check_true "$name: slowest answer under ${SLOW_MS} ms" [ "$(load_get "$w" maxms)" -lt "$SLOW_MS" ]
  LAST_WINDOW=$w
}

# outage_windows CSV T_START T_KILL T_BACK DEAD OTHER FIRST SERVED BACK: the windows of the load
# before the kill, while FIRST was dead (named DEAD) and after it came BACK (restart, rejoin);
# OTHER, which served SERVED SELECTs meanwhile, must have answered, and logins must go on after.
outage_windows() {
  local csv=$1 t_start=$2 t_kill=$3 t_back=$4 dead=$5 other=$6 first=$7 served=$8 back=$9
  report "before the kill" "$csv" "$t_start" "$t_kill"
  report "$dead" "$csv" "$t_kill" "$t_back"
  check_note "$other served $served SELECTs while $first was dead"
  check_true "$other answered while $first was dead" [ "$served" -gt 0 ]
  report "after the $back" "$csv" "$t_back" 9999999999
  check_true "logins went on after the $back" [ "$(load_get "$LAST_WINDOW" ok)" -gt 0 ]
}

test_replication() {
  echo "# (a) primary + async replica, host=primary,replica"
  local t0 before after
  t0=$(load_now)
  repl_start "$WORK/repl" || { check "replication set up" ok failed; return; }
  MDB_SOCK=$REPL_P_SOCK
  mdb_seed_mailbox && mdb_add_user alice@example.test "$PW" && repl_wait_caught_up \
    || { check "replication seeded" ok failed; return; }
  check_note "primary :$REPL_P_PORT and replica :$REPL_R_PORT replicating after $(elapsed "$t0") s"
  load_pam_service "$PMN_MODULE" "$(opts "127.0.0.1:$REPL_P_PORT,127.0.0.1:$REPL_R_PORT")"
  load_sasl_start 4 "$WORK/run-repl" "$WORK/saslauthd-repl.log" || { check "saslauthd started" ok failed; return; }
  local pids_before warm
  pids_before=$(group_pids)
  load_run warm --user alice@example.test --password "$PW" --concurrency "$CLIENTS" --duration 1 --wrong-every 10
  check "warm-up: all answers right" 0 "$(load_get "$warm" bad)"

  local csv=$WORK/repl.csv t_start t_kill t_restart replica_before replica_during
  replica_before=$(com_select "$REPL_R_SOCK")
  t_start=$(load_now)
  run_background "$csv"
  sleep "$KILL_AT"
  t_kill=$(load_now)
  repl_kill_primary
  check_note "primary SIGKILLed at +$(elapsed "$t_start") s"
  sleep $((RESTART_AT - KILL_AT))
  replica_during=$(com_select "$REPL_R_SOCK")
  repl_restart_primary || check "primary restarted" ok failed
  t_restart=$(load_now)
  check_note "primary restarted (ready at +$(elapsed "$t_start") s)"
  wait "$LOAD_BG_PID"
  check_note "whole run: $(cat "$csv.summary")"
  outage_windows "$csv" "$t_start" "$t_kill" "$t_restart" "primary dead" replica "the primary" \
    $((replica_during - replica_before)) restart
  report "whole run, $CLIENTS clients, ${LOAD_SECS} s" "$csv" 0 9999999999

  # Once the back-off has passed, the primary is first again.
  sleep $((BACKOFF + 1))
  before=$(com_select "$REPL_P_SOCK")
  load_run warm --user alice@example.test --password "$PW" --concurrency "$CLIENTS" --duration 1
  after=$(com_select "$REPL_P_SOCK")
  check "after the back-off: all answers right" 0 "$(load_get "$warm" bad)"
  check_note "restarted primary served $((after - before)) SELECTs of $(load_get "$warm" total) logins"
  check_true "the restarted primary serves again after failover_backoff" [ $((after - before)) -ge "$(load_get "$warm" total)" ]
  test_frozen_primary
  check "saslauthd master and workers kept their PIDs" "$pids_before" "$(group_pids)"
  test_in_flight
  sasl_stop
  sasl_remove_pam_service
  repl_stop
}

# A frozen primary (SIGSTOP) accepts TCP connections but never answers: a worker waits one
# connect_timeout for it, then the back-off sends its next logins straight to the replica.
test_frozen_primary() {
  local w t0
  kill -STOP "$REPL_P_PID"
  t0=$(load_now)
  load_run w --user alice@example.test --password "$PW" --concurrency "$CLIENTS" --duration 8 --wrong-every 10
  kill -CONT "$REPL_P_PID"
  check_note "primary frozen, 8 s of load: $w"
  check "frozen primary: wrong answers" 0 "$(load_get "$w" bad)"
  check_true "frozen primary: slowest answer under ${SLOW_MS} ms" [ "$(load_get "$w" maxms)" -lt "$SLOW_MS" ]
  check_true "frozen primary: half the logins answered in under 200 ms (back-off)" [ "$(load_get "$w" p50ms)" -lt 200 ]
}

# A login whose SELECT is in flight when the primary dies: the same PAM call finishes on the
# replica. where=SLEEP(1)=0 keeps the query running for a second; the primary dies after 0.4 s.
test_in_flight() {
  local host=$REPO/out/pmn_pam_host rc t0 ms
  [ -x "$host" ] || { check_note "no $host; in-flight test skipped"; return; }
  mkdir -p "$WORK/pam.d"
  printf 'auth required %s %s where=SLEEP(1)=0\n' "$PMN_MODULE" \
    "$(opts "127.0.0.1:$REPL_P_PORT,127.0.0.1:$REPL_R_PORT")" >"$WORK/pam.d/inflight"
  t0=$(load_now)
  timeout 30 "$host" "$WORK/pam.d" inflight alice@example.test "$PW" 0 auth >"$WORK/inflight.out" 2>&1 &
  local pid=$!
  sleep 0.4
  repl_kill_primary
  wait "$pid"; rc=$?
  ms=$(echo "($(load_now) - $t0) * 1000" | bc | cut -d. -f1)
  check_note "in flight at the kill: $(tr '\n' ' ' <"$WORK/inflight.out")(${ms} ms)"
  check "login in flight when the primary dies succeeds on the replica (same PAM call)" 0 "$rc"
}

test_galera() {
  echo "# (b) 3-node Galera cluster, host=n1,n2,n3"
  local t0 i
  t0=$(load_now)
  gal_start "$WORK/galera" || { check "galera cluster set up" ok failed; return; }
  check_note "3-node cluster synced after $(elapsed "$t0") s (ports ${GAL_PORT[1]} ${GAL_PORT[2]} ${GAL_PORT[3]})"
  MDB_SOCK=${GAL_SOCK[1]}
  mdb_seed_mailbox && mdb_add_user alice@example.test "$PW" || { check "galera seeded" ok failed; return; }
  for i in $(seq 1 50); do
    [ "$(gal_sql 3 "SELECT COUNT(*) FROM postfix.mailbox")" = 1 ] && break
    sleep 0.1
  done
  load_pam_service "$PMN_MODULE" \
    "$(opts "127.0.0.1:${GAL_PORT[1]},127.0.0.1:${GAL_PORT[2]},127.0.0.1:${GAL_PORT[3]}")"
  load_sasl_start 4 "$WORK/run-galera" "$WORK/saslauthd-galera.log" || { check "saslauthd started" ok failed; return; }
  local pids_before warm
  pids_before=$(group_pids)
  load_run warm --user alice@example.test --password "$PW" --concurrency "$CLIENTS" --duration 1 --wrong-every 10
  check "warm-up: all answers right" 0 "$(load_get "$warm" bad)"

  local csv=$WORK/galera.csv t_start t_kill t_rejoin n1_back n1_end n2_before n2_during
  n2_before=$(com_select "${GAL_SOCK[2]}")
  t_start=$(load_now)
  # Bounded at 120 s; stopped (stop file) once node 1 has rejoined and served again.
  run_background "$csv" 120
  sleep "$KILL_AT"
  t_kill=$(load_now)
  gal_kill_node 1
  check_note "node 1 SIGKILLed at +$(elapsed "$t_start") s"
  sleep $((RESTART_AT - KILL_AT))
  n2_during=$(com_select "${GAL_SOCK[2]}")
  check_note "cluster size seen by node 2: $(gal_cluster_size 2)"
  # Node 1 rejoins (state transfer) while the load goes on.
  gal_start_node 1 || check "node 1 rejoined" ok failed
  t_rejoin=$(load_now)
  check_note "node 1 rejoined and synced at +$(elapsed "$t_start") s; cluster size $(gal_cluster_size 1)"
  # After the back-off node 1 is first again.
  sleep $((BACKOFF + 1))
  n1_back=$(com_select "${GAL_SOCK[1]}")
  sleep 2
  n1_end=$(com_select "${GAL_SOCK[1]}")
  touch "$csv.stop"
  wait "$LOAD_BG_PID"
  check_note "whole run ($(elapsed "$t_start") s): $(cat "$csv.summary")"
  outage_windows "$csv" "$t_start" "$t_kill" "$t_rejoin" "node 1 dead, then rejoining" "node 2" "node 1" \
    $((n2_during - n2_before)) rejoin
  check_note "rejoined node 1 served $((n1_end - n1_back)) SELECTs in the last 2 s"
  check_true "rejoined node 1 serves again after failover_backoff" [ $((n1_end - n1_back)) -gt 0 ]
  report "whole run, $CLIENTS clients" "$csv" 0 9999999999
  check "saslauthd master and workers kept their PIDs" "$pids_before" "$(group_pids)"
  sasl_stop
  sasl_remove_pam_service
  gal_stop
}

main() {
  sasl_suite_begin failover stop_all /usr/lib/galera/libgalera_smm.so galera-4 rsync rsync bc bc
  check_note "load: $CLIENTS clients for $LOAD_SECS s; kill at +$KILL_AT s, restart at +$RESTART_AT s; failover_backoff=$BACKOFF"
  case " ${PMN_PARTS:-replication galera} " in *" replication "*) test_replication ;; esac
  case " ${PMN_PARTS:-replication galera} " in *" galera "*) test_galera ;; esac
  harness_end
}

main "$@"
