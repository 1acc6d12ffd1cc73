#!/usr/bin/env bash
# The resident daemon (`pam-mysql-net daemon`) and the shim's broker= routes, through the real
# libpam (out/pmn_pam_host and tests/integration/broker/login_loop.c), the real daemon binary and
# a real MariaDB. Every daemon listens on a socket below WORK (never the default
# /run/pam_mysql_net/socket: other suites must not see a daemon) and is killed by PID on exit.
# Each part is tests/integration/broker/NAME.sh defining broker_NAME; they run in PARTS order.
#   bash tests/integration/broker.sh          (after cmake --build out; root; ~4-5 minutes)
#   PMN_BROKER_PARTS="basics trust" limits the run to those parts.
#
# What a part can use, besides tests/lib/pam_suite.sh's frame (service, rc, SEED, on_exit, ...):
#   SOCK                    the main daemon's socket; bsvc NAME MODE [ARGS] writes a service
#                           with broker=MODE broker_socket=$SOCK
#   daemon_start [ARGS]     starts `pam-mysql-net daemon --socket $SOCK ARGS` (DAEMON_CMD prefix,
#                           DSOCK another path); waits for "listening" (a failed check if not); DPID DLOG
#   daemon_stop [PID]       SIGTERM, wait; DSTATUS its exit status (daemon_wait PID: only the wait)
#   LOOP PROTO MEMHOST      login_loop, proto.py, memhost (built into WORK)
#   now_ms, proc_field PID FIELD, proc_fds PID, lines_matching REGEX (in syslog since the mark)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"
PARTS=(basics routes trust setuid reliability load db pool endurance lifecycle)
BROKER_DIR=$REPO/tests/integration/broker

DAEMON_PIDS=()
on_exit 'for p in "${DAEMON_PIDS[@]}"; do kill -CONT "$p"; kill -KILL "$p"; wait "$p"; done'
pam_suite_begin broker
# The parts send many wrong passwords for the same users through one daemon, whose throttle
# counters are shared: that is tests/integration/throttle.sh's subject, not this suite's.
SEED="$SEED throttle=off"
SOCK=$WORK/run/socket
USER1=alice@example.test PW1='S3cret!'

bsvc() { local name=$1 mode=$2; shift 2; service "$name" "$SEED broker=$mode broker_socket=${BSOCK:-$SOCK}" "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
proc_field() { sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" "/proc/$1/status"; }
proc_fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }
lines_matching() { syslog_since | grep -cE "$1"; }

DN=0
daemon_wait_listening() { # PID LOG: until the daemon logged "listening"; false if it died or took 5 s
  local i
  for i in $(seq 1 100); do
    grep -q 'listening on' "$2" 2>/dev/null && return 0
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
daemon_start() {
  DN=$((DN + 1)); DLOG=$WORK/daemon.$DN.log
  ${DAEMON_CMD:-} "$CLI" daemon --socket "${DSOCK:-$SOCK}" "$@" 2>"$DLOG" &
  DPID=$!
  DAEMON_PIDS+=("$DPID")
  daemon_wait_listening "$DPID" "$DLOG" || { check "daemon $DN starts" listening "$(tail -n 2 "$DLOG" | tr '\n' ' ')"; return 1; }
}
daemon_stop() { # [PID]: SIGTERM and wait (not in a subshell: it must be our child); DSTATUS=exit status
  local p=${1:-$DPID}
  kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null
  daemon_wait "$p"
}
daemon_wait() { # PID: waits for it to exit (SIGKILL after 15 s); DSTATUS=exit status
  # (polled here: a guard subshell killed by us would run the inherited TERM/EXIT traps, i.e. the clean-up)
  local i
  for i in $(seq 1 150); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null; DSTATUS=$?
}

LOOP=$WORK/login_loop MEMHOST=$WORK/memhost PROTO=$BROKER_DIR/proto.py
if ! cc -O2 -Wall -o "$LOOP" "$BROKER_DIR/login_loop.c" -lpam 2>"$WORK/cc.log" ||
   ! cc -O2 -Wall -o "$MEMHOST" "$REPO/tests/bench/memhost.c" -lpam 2>>"$WORK/cc.log"; then
  check "setup: the load tools build" ok "$(cat "$WORK/cc.log")"; check_summary; exit 2
fi
daemon_start || { check_summary; exit 2; }

for name in "${PARTS[@]}"; do
  if [ -n "${PMN_BROKER_PARTS:-}" ] && [[ " $PMN_BROKER_PARTS " != *" $name "* ]]; then continue; fi
  echo "# --- $name"
  # Each part starts with the main daemon running; one that died since is a failure of its own.
  if ! kill -0 "$DPID" 2>/dev/null; then
    wait "$DPID" 2>/dev/null
    check "the daemon is still running before '$name' (exit status $?; 139: SIGSEGV)" running dead
    daemon_start
  fi
  source "$BROKER_DIR/$name.sh"
  "broker_$name"
done

check_summary
