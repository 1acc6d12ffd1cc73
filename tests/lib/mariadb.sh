# Throwaway MariaDB servers for tests: own datadir under a temp dir, loopback TCP on a free port,
# stopped by PID. Source this file; every function is prefixed mdb_.
#
#   mdb_start DIR      -> starts a server; sets MDB_DIR MDB_PORT MDB_SOCK MDB_PID
#   mdb_sql SQL...     -> runs SQL as the server's root over its socket (-N -B output)
#   mdb_seed_mailbox   -> database postfix, table mailbox, DB user postfix/yourpass (SELECT only)
#   mdb_add_user U PW  -> a mailbox row with an MD5-crypt hash made by `openssl passwd -1`
#   mdb_stop           -> stops the server by PID and waits for it
#   mdb_freeze / mdb_thaw -> SIGSTOP / SIGCONT the server
# MDB_EXTRA_ARGS (an array) adds mariadbd options, e.g. MDB_EXTRA_ARGS=(--ssl-cert=...).

MDB_EXTRA_ARGS=("${MDB_EXTRA_ARGS[@]}")

mdb_free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

mdb_start() {
  MDB_DIR=$1
  mkdir -p "$MDB_DIR"
  MDB_SOCK=$MDB_DIR/mysqld.sock
  MDB_PORT=${MDB_PORT_WANTED:-$(mdb_free_port)}
  # Its own tmpdir: servers bootstrapping at the same moment must not share temp-table files.
  mkdir -p "$MDB_DIR/tmp"
  if [ ! -d "$MDB_DIR/data/mysql" ]; then
    local try
    for try in 1 2; do
      rm -rf "$MDB_DIR/data"
      mariadb-install-db --no-defaults --datadir="$MDB_DIR/data" --tmpdir="$MDB_DIR/tmp" --user=root \
        --auth-root-authentication-method=socket >"$MDB_DIR/install.log" 2>&1 && break
      [ "$try" = 2 ] && { echo "mariadb-install-db failed:"; cat "$MDB_DIR/install.log"; return 1; }
    done
  fi
  mariadbd --no-defaults --datadir="$MDB_DIR/data" --tmpdir="$MDB_DIR/tmp" --socket="$MDB_SOCK" --port="$MDB_PORT" \
    --bind-address=127.0.0.1 --user=root --pid-file="$MDB_DIR/mysqld.pid" \
    --skip-name-resolve --innodb-buffer-pool-size=32M --skip-log-bin \
    --log-error="$MDB_DIR/error.log" "${MDB_EXTRA_ARGS[@]}" >/dev/null 2>&1 &
  MDB_PID=$!
  local i
  for i in $(seq 1 300); do
    if mariadb --no-defaults -uroot --socket="$MDB_SOCK" -e 'SELECT 1' >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$MDB_PID" 2>/dev/null; then
      echo "mariadbd exited during start:"; tail -20 "$MDB_DIR/error.log"; return 1
    fi
    sleep 0.1
  done
  echo "mariadbd did not become ready"; tail -20 "$MDB_DIR/error.log"; return 1
}

mdb_sql() {
  mariadb --no-defaults -uroot --socket="$MDB_SOCK" -N -B -e "$*"
}

mdb_seed_mailbox() {
  mdb_sql "
    CREATE DATABASE IF NOT EXISTS postfix;
    CREATE TABLE IF NOT EXISTS postfix.mailbox (
      username VARCHAR(255) NOT NULL PRIMARY KEY,
      password VARCHAR(255) NULL,
      name VARCHAR(255) NOT NULL DEFAULT '',
      maildir VARCHAR(255) NOT NULL DEFAULT '',
      quota BIGINT NOT NULL DEFAULT 0,
      local_part VARCHAR(255) NOT NULL DEFAULT '',
      domain VARCHAR(255) NOT NULL DEFAULT '',
      active TINYINT(1) NOT NULL DEFAULT 1,
      created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
    ) DEFAULT CHARSET=utf8mb4;
    CREATE USER IF NOT EXISTS 'postfix'@'127.0.0.1' IDENTIFIED BY 'yourpass';
    CREATE USER IF NOT EXISTS 'postfix'@'localhost' IDENTIFIED BY 'yourpass';
    GRANT SELECT ON postfix.* TO 'postfix'@'127.0.0.1';
    GRANT SELECT ON postfix.* TO 'postfix'@'localhost';"
}

# mdb_add_user USER PASSWORD  (MD5-crypt made by openssl, an independent tool)
mdb_add_user() {
  local hash
  hash=$(openssl passwd -1 -- "$2") || return 1
  mdb_set_password "$1" "$hash"
}

# mdb_set_password USER STORED  (stored value as given; the literal word NULL stores SQL NULL)
mdb_set_password() {
  local user=${1//\'/\'\'} stored
  if [ "$2" = NULL ]; then stored=NULL; else stored="'${2//\'/\'\'}'"; fi
  local local_part=${user%%@*} domain=${user#*@}
  mdb_sql "REPLACE INTO postfix.mailbox (username, password, local_part, domain)
           VALUES ('$user', $stored, '$local_part', '$domain')"
}

mdb_stop() {
  [ -n "${MDB_PID:-}" ] || return 0
  kill -CONT "$MDB_PID" 2>/dev/null
  kill "$MDB_PID" 2>/dev/null
  local i
  for i in $(seq 1 300); do
    kill -0 "$MDB_PID" 2>/dev/null || { wait "$MDB_PID" 2>/dev/null; MDB_PID=; return 0; }
    sleep 0.1
  done
  kill -9 "$MDB_PID" 2>/dev/null
  wait "$MDB_PID" 2>/dev/null
  MDB_PID=
}

mdb_freeze() { kill -STOP "$MDB_PID"; }
mdb_thaw() { kill -CONT "$MDB_PID"; }
