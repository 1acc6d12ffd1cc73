# shellcheck shell=bash
# Bounds, through the protocol itself (proto.py): 500 requests at once; 200 clients stalled in
# their request frame (no worker held, closed after the 5 s deadline); a client SIGKILLed after
# the password request; ~2,000 malformed frames. The daemon keeps answering and gives back
# every descriptor.
broker_load() {
  bsvc req required
  local r fds0 fds1 i
  r=$(python3 "$PROTO" load "$SOCK" "$USER1" "$PW1" "$SEED" 500)
  check "500 concurrent connections: all answered PAM_SUCCESS" "answered=500 codes=[('rc=0', 500)]" "$r"
  fds0=$(proc_fds "$DPID") # the pool is full now

  local ready=$WORK/half.ready t0 t1
  rm -f "$ready"
  python3 "$PROTO" half "$SOCK" 200 "$ready" >"$WORK/half.out" &
  local half=$!
  for i in $(seq 1 100); do [ -e "$ready" ] && break; sleep 0.05; done
  t0=$(now_ms); r=$(rc req "$USER1" "$PW1"); t1=$(now_ms)
  check "200 half-frame clients stalled: a real login" "$PAM_SUCCESS" "$r"
  check_true "200 half-frame clients stalled: answered in $((t1 - t0)) ms (< 1000)" test $((t1 - t0)) -lt 1000
  wait "$half"
  r=$(cat "$WORK/half.out")
  check_note "half-frame clients: $r"
  check "half-frame clients: all closed by the daemon" "closed=200 of 200" "$(grep -o 'closed=[0-9]* of [0-9]*' <<<"$r")"
  local first last
  first=$(sed -n 's/.*first_s=\([0-9.]*\).*/\1/p' <<<"$r"); last=$(sed -n 's/.*last_s=\([0-9.]*\).*/\1/p' <<<"$r")
  check_true "half-frame clients: closed after the 5 s deadline ($first-$last s, want 4.5-7)" \
    test "$(echo "$first >= 4.5 && $last <= 7" | bc)" = 1

  check "client SIGKILLed after 'A': it got the password request" "got_A=1" \
    "$(python3 "$PROTO" killmid "$SOCK" "$USER1" "$PW1" "$SEED")"
  check "... the daemon still serves" "$PAM_SUCCESS" "$(rc req "$USER1" "$PW1")"

  r=$(python3 "$PROTO" fuzz "$SOCK" "$SEED" 2007)
  check_note "fuzz: $r"
  check "fuzz: 2007 cases ran" "cases=2007" "$(grep -o 'cases=[0-9]*' <<<"$r")"
  check "fuzz: every wrong ABI answered with 'V' carrying 5" 223 \
    "$(grep -o 'abi:V=5=[0-9]*' <<<"$r" | cut -d= -f3)"
  check_true "fuzz: the daemon is alive" kill -0 "$DPID"
  check "fuzz: ... and answers a login" "$PAM_SUCCESS" "$(rc req "$USER1" "$PW1")"
  for i in $(seq 1 30); do fds1=$(proc_fds "$DPID"); [ "$fds1" -le "$fds0" ] && break; sleep 0.2; done
  check "load and fuzz: the daemon's descriptors back to where they were" "$fds0" "$fds1"
}
