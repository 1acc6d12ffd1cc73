# shellcheck shell=bash
# The database behind the daemon: frozen (SIGSTOP) the request fails within the module's own
# timeouts and the host gets that answer, not "failed to answer" (the daemon's heartbeats keep
# it waiting, even past the 3 s silence bound); thawed, stopped and restarted.
timed_rc() { # SERVICE: "CODE MS"
  local t0 r; t0=$(now_ms); r=$(rc "$1" "$USER1" "$PW1"); echo "$r $(( $(now_ms) - t0 ))"
}
rc_within() { # SERVICE EXPECT SECONDS: the first code equal to EXPECT within SECONDS, else the last
  local r i
  for i in $(seq 1 "$(($3 * 4))"); do r=$(rc "$1" "$USER1" "$PW1"); [ "$r" = "$2" ] && break; sleep 0.25; done
  echo "$r"
}

broker_db() {
  bsvc dbq required connect_timeout=2 query_timeout=2
  bsvc dbslow required connect_timeout=5 query_timeout=5
  check "DB up: required served" "$PAM_SUCCESS" "$(rc dbq "$USER1" "$PW1")"
  mdb_freeze
  syslog_mark
  local r
  r=$(timed_rc dbq)
  check "DB frozen, timeouts 2 s: refused" "$PAM_AUTHINFO_UNAVAIL" "${r% *}"
  check_true "DB frozen, timeouts 2 s: within ${r#* } ms (< 4500)" test "${r#* }" -lt 4500
  r=$(timed_rc dbslow)
  check "DB frozen, timeouts 5 s: refused by the module, not by the silence bound" "$PAM_AUTHINFO_UNAVAIL" "${r% *}"
  check_true "DB frozen, timeouts 5 s: the answer came after ${r#* } ms (> 3000: heartbeats kept the host waiting)" \
    test "${r#* }" -gt 3000 -a "${r#* }" -lt 12000
  check "DB frozen: no 'failed to answer' line" 0 "$(lines_matching 'failed to answer')"
  mdb_thaw
  check "DB thawed: served again" "$PAM_SUCCESS" "$(rc_within dbq 0 5)"
  mdb_stop
  r=$(timed_rc dbq)
  check "DB stopped: refused" "$PAM_AUTHINFO_UNAVAIL" "${r% *}"
  check_true "DB stopped: within ${r#* } ms (< 3000)" test "${r#* }" -lt 3000
  MDB_PORT_WANTED=$MDB_PORT mdb_start "$MDB_DIR" >/dev/null
  check "DB restarted: served again" "$PAM_SUCCESS" "$(rc_within dbq 0 10)"
}
