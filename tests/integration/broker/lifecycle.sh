# shellcheck shell=bash
# Signals (SIGTERM drains what is in flight), a second daemon on a socket in use, systemd socket activation, and a host that forks
# after using the daemon.
broker_lifecycle() {
  bsvc req required
  syslog_mark
  kill -HUP "$DPID"
  sleep 0.3
  check "SIGHUP: one line" 1 "$(lines_matching 'pam-mysql-net\[[0-9]+\]: SIGHUP: dropped cached')"
  check "SIGHUP: logins still work" "$PAM_SUCCESS" "$(rc req "$USER1" "$PW1")"

  local t0 r
  t0=$(now_ms); daemon_stop
  check "SIGTERM: exit status 0" 0 "$DSTATUS"
  check_true "SIGTERM: exited within $(( $(now_ms) - t0 )) ms (< 2000)" test $(( $(now_ms) - t0 )) -lt 2000
  check_true "SIGTERM: the socket is gone" test ! -e "$SOCK"
  daemon_start

  # SIGTERM drains: a request held up by a frozen DB for longer than the host's 3 s silence bound
  # still gets its answer (heartbeats go on while it runs), then the daemon exits 0.
  bsvc slow required connect_timeout=10 query_timeout=10
  rc slow "$USER1" "$PW1" >/dev/null
  mdb_freeze
  syslog_mark
  rc slow "$USER1" "$PW1" >"$WORK/drained.rc" &
  local login=$!
  sleep 0.5; kill -TERM "$DPID"; sleep 3.5; mdb_thaw
  wait "$login"; daemon_wait "$DPID"
  check "SIGTERM with a request in flight for 4 s: the host gets the daemon's answer" "$PAM_SUCCESS" "$(cat "$WORK/drained.rc")"
  check "... no 'failed to answer' line" 0 "$(lines_matching 'failed to answer')"
  check "... then the daemon exits 0" 0 "$DSTATUS"
  daemon_start
  r=$(timeout 20 "$CLI" daemon --socket "$SOCK" 2>&1; echo "exit=$?")
  check_true "a second daemon on the same socket: exits non-zero (${r##*exit=})" test "${r##*exit=}" -ne 0 -a "${r##*exit=}" -ne 124
  check_true "a second daemon on the same socket: says why" grep -q "cannot start: another daemon is listening on $SOCK" <<<"$r"
  check "... the first one still serves" "$PAM_SUCCESS" "$(rc req "$USER1" "$PW1")"

  if command -v systemd-socket-activate >/dev/null; then
    local act=$WORK/run/act.sock log=$WORK/activated.log apid i
    # --socket names a path of our own: were activation not recognised, the default is not touched.
    systemd-socket-activate -l "$act" "$CLI" daemon --socket "$WORK/run/not-activated.sock" 2>"$log" &
    apid=$!; DAEMON_PIDS+=("$apid")
    for i in $(seq 1 100); do [ -S "$act" ] && break; sleep 0.05; done
    BSOCK=$act bsvc act required
    check "socket activation: a login" "$PAM_SUCCESS" "$(rc act "$USER1" "$PW1")"
    check_true "socket activation: the daemon says it uses the passed socket" grep -q 'listening on the socket passed by systemd' "$log"
    check_true "socket activation: it bound no socket of its own" test ! -e "$WORK/run/not-activated.sock"
    daemon_stop "$apid"
    check "socket activation: SIGTERM, exit status 0" 0 "$DSTATUS"
    check_true "socket activation: the socket file is left alone on exit" test -S "$act"
  else
    check "systemd-socket-activate is installed (build/install-deps.sh: systemd)" yes no
  fi

  r=$("$HOST" "$WORK/pam.d" req "$USER1" "$PW1" 0 fork 3 2>&1; echo "exit=$?")
  check "fork after use (fork 3): every generation right" "exit=0" "$(tail -n 1 <<<"$r")"
  # 4 generations (depth 3 to 0) with a right and a wrong password each, and 3 parents again after their child
  check "fork after use: 11 answers, all as expected" 11 "$(grep -cE '^(auth|auth after fork)\[[0-9]+\]: rc=0|^wrong password\[[0-9]+\]: rc=7' <<<"$r")"
}
