# shellcheck shell=bash
# The daemon SIGKILLed and restarted under 8 login loops (broker=required): never a wrong answer,
# refusals only while it is down, each within 1 s. A hung daemon (SIGSTOP): required refuses
# within the 3 s silence bound, auto falls back to the host with one line. A password change the
# daemon dies in is refused, never run twice.
broker_reliability() {
  bsvc req required
  bsvc auto auto
  local stop=$WORK/loops.stop i pids=() t_kill t_up
  rm -f "$stop"
  for i in 1 2 3 4 5 6 7 8; do
    "$LOOP" "$WORK/pam.d" req "$USER1" "$PW1" wrong until "$stop" >"$WORK/loop.$i" 2>&1 &
    pids+=($!)
  done
  sleep 1.5
  check_true "kill/restart: the daemon ran until the kill" kill -0 "$DPID"
  t_kill=$(now_ms)
  kill -KILL "$DPID"; wait "$DPID" 2>/dev/null
  sleep 1
  daemon_start; t_up=$(now_ms)
  sleep 1.5
  touch "$stop"
  for i in "${pids[@]}"; do wait "$i"; done
  local all bad other unavail right max first last
  all=$(cat "$WORK"/loop.[1-8])
  sum() { grep -o "$1=[0-9]*" <<<"$all" | cut -d= -f2 | paste -sd+ | bc; }
  right=$(sum right); bad=$(sum bad); other=$(sum other); unavail=$(sum unavail)
  max=$(grep -o 'max_unavail_ms=[0-9]*' <<<"$all" | cut -d= -f2 | sort -n | tail -1)
  first=$(grep -o 'first_unavail_at=[0-9]*' <<<"$all" | cut -d= -f2 | grep -v '^0$' | sort -n | head -1)
  last=$(grep -o 'last_unavail_at=[0-9]*' <<<"$all" | cut -d= -f2 | sort -n | tail -1)
  check_note "kill/restart under 8 loops: $(sum logins) logins, $right right passwords accepted, $unavail refused (9), slowest refusal ${max} ms"
  check "kill/restart: no wrong answer (right refused as wrong/unknown, or wrong accepted)" 0 "$bad"
  check "kill/restart: no other code" 0 "$other"
  check_true "kill/restart: logins before and after the outage succeeded ($right)" test "$right" -gt 16
  check_true "kill/restart: refusals seen while it was down ($unavail)" test "$unavail" -gt 0
  check_true "kill/restart: every refusal within 1 s (slowest ${max} ms)" test "${max:-9999}" -le 1000
  check_true "kill/restart: refusals only while it was down ($((${first:-0} - t_kill)) ms after the kill to $((${last:-0} - t_up)) ms after it listened again)" \
    test "${first:-0}" -ge "$t_kill" -a "${last:-0}" -le $((t_up + 150))

  check_true "kill/restart: the restarted daemon survived the loops" kill -0 "$DPID"
  kill -0 "$DPID" 2>/dev/null || { wait "$DPID"; check_note "it died with exit status $? (139: SIGSEGV)"; daemon_start; }
  # A password change the daemon dies in is not run again in the host, even with auto.
  mdb_add_user erin@example.test 'Erin-old1'
  local h0; h0=$(mdb_sql "SELECT password FROM postfix.mailbox WHERE username = 'erin@example.test'")
  bsvc auto-slow auto connect_timeout=10 query_timeout=10
  rc auto-slow "$USER1" "$PW1" >/dev/null
  mdb_freeze; syslog_mark
  PMN_NEW='Erin-new1' rc auto-slow erin@example.test x chauthtok >"$WORK/chauthtok.rc" &
  local chg=$!
  sleep 0.5; kill -KILL "$DPID"; wait "$DPID" 2>/dev/null; mdb_thaw; wait "$chg"
  check "daemon killed during a password change, auto: refused, not run in the host" "$PAM_AUTHINFO_UNAVAIL" "$(cat "$WORK/chauthtok.rc")"
  check "... with its line" 1 "$(lines_matching 'failed to answer a password change; request refused')"
  check "... the row is unchanged" "$h0" "$(mdb_sql "SELECT password FROM postfix.mailbox WHERE username = 'erin@example.test'")"
  daemon_start

  kill -STOP "$DPID"
  local t0 r t1
  t0=$(now_ms); r=$(rc req "$USER1" "$PW1"); t1=$(now_ms)
  check "hung daemon (SIGSTOP), required: refused" "$PAM_AUTHINFO_UNAVAIL" "$r"
  check_true "hung daemon, required: within $((t1 - t0)) ms (< 4000)" test $((t1 - t0)) -lt 4000
  syslog_mark
  check "hung daemon, auto: falls back to the host" "$PAM_SUCCESS" "$(rc auto "$USER1" "$PW1")"
  check "hung daemon, auto: one line" 1 "$(lines_matching "the daemon at $SOCK failed to answer; running the request in this process")"
  kill -CONT "$DPID"
  check "daemon continued (SIGCONT): required served" "$PAM_SUCCESS" "$(rc req "$USER1" "$PW1")"
}
