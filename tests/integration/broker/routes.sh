# shellcheck shell=bash
# Which way a request goes: auto without a daemon runs in the host silently, required without
# one is refused with one line, a bad broker= or broker_socket= is a configuration error, off never asks a running daemon (a stopped one cannot answer).
broker_routes() {
  BSOCK=$WORK/run/none.sock bsvc auto-none auto
  BSOCK=$WORK/run/none.sock bsvc req-none required
  syslog_mark
  check "auto, no daemon: right password in process" "$PAM_SUCCESS" "$(rc auto-none "$USER1" "$PW1")"
  check "auto, no daemon: no line about the daemon" 0 "$(lines_matching 'broker|daemon')"
  syslog_mark
  check "required, no daemon: refused" "$PAM_AUTHINFO_UNAVAIL" "$(rc req-none "$USER1" "$PW1")"
  check "required, no daemon: exactly one line" 1 "$(lines_matching 'broker=required: the daemon.s socket .* does not exist')"

  bsvc bogus bogus
  service relsock "$SEED broker=required broker_socket=run/socket"
  syslog_mark
  check "broker=bogus: a configuration error" "$PAM_SERVICE_ERR" "$(rc bogus "$USER1" "$PW1")"
  check "broker_socket=run/socket (relative): a configuration error" "$PAM_SERVICE_ERR" "$(rc relsock "$USER1" "$PW1")"
  check "... each with its line" 2 "$(lines_matching "configuration error: option 'broker(_socket)?': ")"

  bsvc off off
  kill -STOP "$DPID"
  local t0 r t1
  t0=$(now_ms); r=$(rc off "$USER1" "$PW1"); t1=$(now_ms)
  check "off, daemon stopped (SIGSTOP): right password in process" "$PAM_SUCCESS" "$r"
  check_true "off, daemon stopped: answered in $((t1 - t0)) ms < 1000 (never asked the daemon)" test $((t1 - t0)) -lt 1000
  kill -CONT "$DPID"
}
