# shellcheck shell=bash
# A MariaDB primary and an asynchronous read-only replica on loopback (docs/design.md, Test infrastructure), built
# on tests/lib/mariadb.sh (source that first). Every function is prefixed repl_.
#
#   repl_start DIR       -> primary in DIR/primary, replica in DIR/replica, replicating with GTID;
#                           sets REPL_P_PORT REPL_P_SOCK REPL_P_PID and REPL_R_PORT REPL_R_SOCK REPL_R_PID
#   repl_sql_p SQL / repl_sql_r SQL -> SQL as root on the primary / the replica (-N -B)
#   repl_wait_caught_up  -> waits (bounded) until the replica has applied the primary's GTID position
#   repl_kill_primary    -> SIGKILL, and reaps it
#   repl_restart_primary -> starts the primary again on the same port and datadir
#   repl_stop            -> stops both by PID (safe to call twice)

REPL_DIR= REPL_P_PORT= REPL_P_SOCK= REPL_P_PID= REPL_R_PORT= REPL_R_SOCK= REPL_R_PID=

repl_sql_p() { mariadb --no-defaults -uroot --socket="$REPL_P_SOCK" -N -B -e "$*"; }
repl_sql_r() { mariadb --no-defaults -uroot --socket="$REPL_R_SOCK" -N -B -e "$*"; }
repl_slave_status() { mariadb --no-defaults -uroot --socket="$REPL_R_SOCK" -e 'SHOW SLAVE STATUS\G'; }

# _repl_mdb_start DIR SERVER_ID [PORT] ROLE_ARGS... (mdb_start keeps its state in MDB_*; copy it out)
_repl_mdb_start() {
  local dir=$1 id=$2 port=$3; shift 3
  local MDB_EXTRA_ARGS=(--server-id="$id" --log-bin="$dir/binlog" --binlog-format=ROW
                        --log-slave-updates "$@")
  MDB_PORT_WANTED=$port mdb_start "$dir"
}

repl_start_primary() {
  _repl_mdb_start "$REPL_DIR/primary" 1 "${REPL_P_PORT:-}" || return 1
  REPL_P_PORT=$MDB_PORT REPL_P_SOCK=$MDB_SOCK REPL_P_PID=$MDB_PID
  MDB_PID=
}

repl_start() {
  REPL_DIR=$1
  repl_start_primary || return 1
  _repl_mdb_start "$REPL_DIR/replica" 2 "" --read-only=ON --skip-slave-start || return 1
  REPL_R_PORT=$MDB_PORT REPL_R_SOCK=$MDB_SOCK REPL_R_PID=$MDB_PID
  MDB_PID=
  repl_sql_p "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl-pw';
              GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';" || return 1
  repl_sql_r "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$REPL_P_PORT, MASTER_USER='repl',
                MASTER_PASSWORD='repl-pw', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
              START SLAVE;" || return 1
  local i
  for i in $(seq 1 100); do
    [ "$(repl_slave_status | grep -cE 'Slave_(IO|SQL)_Running: Yes')" = 2 ] && return 0
    sleep 0.1
  done
  echo "replica did not start replicating:"; repl_slave_status; return 1
}

repl_wait_caught_up() {
  local pos i
  pos=$(repl_sql_p "SELECT @@gtid_binlog_pos") || return 1
  for i in $(seq 1 150); do
    [ "$(repl_sql_r "SELECT MASTER_GTID_WAIT('$pos', 0.2)")" = 0 ] && return 0
  done
  echo "replica did not reach $pos"; return 1
}

_repl_stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -CONT "$pid" 2>/dev/null
  kill "$pid" 2>/dev/null
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

repl_kill_primary() {
  [ -n "$REPL_P_PID" ] || return 0
  kill -9 "$REPL_P_PID" 2>/dev/null
  wait "$REPL_P_PID" 2>/dev/null
  REPL_P_PID=
}

repl_restart_primary() { repl_start_primary; }

repl_stop() {
  _repl_stop_pid "$REPL_R_PID"; REPL_R_PID=
  _repl_stop_pid "$REPL_P_PID"; REPL_P_PID=
}
