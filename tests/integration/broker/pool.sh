# shellcheck shell=bash
# One connection pool for every host: 1,000 logins from 100 processes through a fresh daemon open
# at most its 8 pooled connections to MariaDB; in process (broker=off) each process opens its own.
db_connections() { mdb_sql "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2; }
logins_from() { # SERVICE PROCESSES: runs PROCESSES login loops of 10; prints "ok=N logins=N delta=N"
  local c0 c1 i pids=() ok=0
  c0=$(db_connections)
  for i in $(seq 1 "$2"); do
    "$LOOP" "$WORK/pam.d" "$1" "$USER1" "$PW1" wrong count 10 >"$WORK/pool.$i" 2>&1 & pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" && ok=$((ok + 1)); done
  c1=$(db_connections)
  # (the first SHOW is itself a connection)
  echo "ok=$ok logins=$(cat "$WORK"/pool.* | grep -o 'logins=[0-9]*' | cut -d= -f2 | paste -sd+ | bc) delta=$((c1 - c0 - 1))"
  rm -f "$WORK"/pool.*
}

broker_pool() {
  daemon_stop
  daemon_start
  bsvc req required
  bsvc off off
  local r
  r=$(logins_from req 100)
  check_note "100 processes x 10 logins through the daemon: $r"
  check "shared pool: 100 processes, every login right" "ok=100 logins=1000" "${r% *}"
  check_true "shared pool: the daemon survived the 100 processes" kill -0 "$DPID"
  kill -0 "$DPID" 2>/dev/null || { check_note "daemon died: $(tail -n 3 "$DLOG" | tr '\n' ' ')"; daemon_start; }
  check_true "shared pool: MariaDB connections opened ${r##*=}, 1-8 (the pool size)" test "${r##*=}" -ge 1 -a "${r##*=}" -le 8
  r=$(logins_from off 10)
  check_note "contrast, broker=off: 10 processes x 10 logins in process: $r (one pool per process)"
}
