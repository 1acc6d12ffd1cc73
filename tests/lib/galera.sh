# shellcheck shell=bash
# A 3-node MariaDB Galera cluster on loopback (docs/design.md, Test infrastructure): galera-4, rsync state transfer,
# each node its own defaults file, datadir and ports, run as the mysql user (rsync SST fails as
# root), bootstrapped by node 1, joiners one at a time. Every function is prefixed gal_.
# Needs mdb_free_port from tests/lib/mariadb.sh.
#
#   gal_start DIR         -> nodes 1..3 under DIR/n1..n3; sets GAL_PORT[i] GAL_SOCK[i] GAL_PID[i]
#   gal_sql I SQL         -> SQL as root on node I (-N -B)
#   gal_start_node I [--wsrep-new-cluster] -> (re)starts node I and waits until it is Synced
#   gal_kill_node I       -> SIGKILL node I, and reaps it
#   gal_cluster_size I    -> wsrep_cluster_size as node I sees it
#   gal_stop              -> stops every node by PID (safe to call twice)
# Eviction of a dead node is shortened (evs.* timeouts ~2 s) so that writes do not stall long.

GAL_DIR=
declare -a GAL_PORT GAL_SOCK GAL_PID GAL_GPORT GAL_IPORT GAL_SPORT

gal_sql() { mariadb --no-defaults -uroot --socket="${GAL_SOCK[$1]}" -N -B -e "$2"; }

gal_status() { gal_sql "$1" "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}'; }

gal_cluster_size() { gal_status "$1" wsrep_cluster_size; }

_gal_write_config() {
  local i=$1 d=$GAL_DIR/n$1 peers
  peers="127.0.0.1:${GAL_GPORT[1]},127.0.0.1:${GAL_GPORT[2]},127.0.0.1:${GAL_GPORT[3]}"
  cat >"$d/my.cnf" <<EOF
[mysqld]
user=mysql
datadir=$d/data
tmpdir=$d/tmp
socket=$d/mysqld.sock
port=${GAL_PORT[$i]}
bind-address=127.0.0.1
pid-file=$d/mysqld.pid
log-error=$d/error.log
skip-name-resolve
innodb-buffer-pool-size=32M
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=pmn-test-$$
wsrep_cluster_address=gcomm://$peers
wsrep_node_name=n$i
wsrep_node_address=127.0.0.1:${GAL_GPORT[$i]}
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${GAL_GPORT[$i]};ist.recv_addr=127.0.0.1:${GAL_IPORT[$i]};gcache.size=32M;evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.inactive_check_period=PT0.5S;evs.install_timeout=PT3S"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:${GAL_SPORT[$i]}
EOF
}

gal_start_node() {
  local i=$1 extra=${2:-} d=$GAL_DIR/n$1 n
  mariadbd --defaults-file="$d/my.cnf" $extra >/dev/null 2>&1 &
  GAL_PID[$i]=$!
  for n in $(seq 1 600); do
    if [ "$(gal_status "$i" wsrep_local_state_comment)" = Synced ]; then
      return 0
    fi
    if ! kill -0 "${GAL_PID[$i]}" 2>/dev/null; then
      echo "galera node $i exited during start:"; tail -30 "$d/error.log"; GAL_PID[$i]=; return 1
    fi
    sleep 0.1
  done
  echo "galera node $i did not become Synced"; tail -30 "$d/error.log"; return 1
}

gal_start() {
  GAL_DIR=$1
  local i d
  for i in 1 2 3; do
    d=$GAL_DIR/n$i
    mkdir -p "$d/tmp"
    GAL_PORT[$i]=$(mdb_free_port) GAL_GPORT[$i]=$(mdb_free_port)
    GAL_IPORT[$i]=$(mdb_free_port) GAL_SPORT[$i]=$(mdb_free_port)
    GAL_SOCK[$i]=$d/mysqld.sock
  done
  # One bootstrap; the joiners start from a copy (they get the cluster's data by state transfer).
  d=$GAL_DIR/n1
  chown -R mysql:mysql "$d"
  mariadb-install-db --no-defaults --datadir="$d/data" --tmpdir="$d/tmp" --user=mysql \
    --auth-root-authentication-method=socket >"$d/install.log" 2>&1 \
    || { echo "mariadb-install-db failed:"; cat "$d/install.log"; return 1; }
  for i in 1 2 3; do
    d=$GAL_DIR/n$i
    [ "$i" = 1 ] || cp -a "$GAL_DIR/n1/data" "$d/data"
    _gal_write_config "$i"
    chown -R mysql:mysql "$d"
  done
  gal_start_node 1 --wsrep-new-cluster || return 1
  gal_start_node 2 || return 1
  gal_start_node 3 || return 1
  [ "$(gal_cluster_size 1)" = 3 ] || { echo "cluster size $(gal_cluster_size 1), not 3"; return 1; }
}

gal_kill_node() {
  local i=$1
  [ -n "${GAL_PID[$i]:-}" ] || return 0
  kill -9 "${GAL_PID[$i]}" 2>/dev/null
  wait "${GAL_PID[$i]}" 2>/dev/null
  GAL_PID[$i]=
}

gal_stop() {
  local i pid n
  for i in 3 2 1; do
    pid=${GAL_PID[$i]:-}
    [ -n "$pid" ] || continue
    kill -CONT "$pid" 2>/dev/null
    kill "$pid" 2>/dev/null
    for n in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    GAL_PID[$i]=
  done
}
