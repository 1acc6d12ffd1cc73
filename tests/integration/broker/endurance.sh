# shellcheck shell=bash
# 100,000 logins through the daemon (proto.py, 4 processes): after a warm-up of 5,000, its own
# threads and its descriptors are the same at the end, the runtime's threads (pool workers come and
# go with the load; the pool's maximum is 16) stay bounded, and its RSS within the 40 MB target.
thread_names() { cat /proc/"$DPID"/task/*/comm | sort | uniq -c | awk '{c=$1; $1=""; printf "%s%s=%d", s, substr($0,2), c; s=","}'; }
daemon_counts() { # "fixed=N tp=N fds=N rss_kb=N" (fixed: the daemon's own threads, pmn-*; tp: the runtime's)
  kill -0 "$DPID" 2>/dev/null || { echo "daemon-gone"; return; }
  local own; own=$(grep -c '^pmn-' /proc/"$DPID"/task/*/comm | awk -F: '{s+=$2} END {print s}')
  # The runtime's threads: thread-pool workers come and go with the load, and its gate and
  # socket-engine threads start at first use.
  echo "fixed=$own tp=$(( $(proc_field "$DPID" Threads) - own )) fds=$(proc_fds "$DPID") rss_kb=$(proc_field "$DPID" VmRSS)"
}
field() { local v; v=$(tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"); echo "${v:-0}"; } # 0 when the daemon is gone

broker_endurance() {
  local n=${PMN_BROKER_ENDURANCE:-100000} r t0 base end
  r=$(python3 "$PROTO" endure "$SOCK" "$USER1" "$PW1" "$SEED" 5000 4)
  check "endurance warm-up: 5,000 logins right" "right=5000 of 5000" "$r"
  sleep 1; base=$(daemon_counts)
  check_note "endurance: daemon threads after the warm-up: $(thread_names)"
  t0=$(now_ms)
  r=$(python3 "$PROTO" endure "$SOCK" "$USER1" "$PW1" "$SEED" "$n" 4)
  check_note "endurance: $n logins in $(( ($(now_ms) - t0) / 1000 )) s; daemon after the warm-up: $base"
  check "endurance: $n logins right" "right=$n of $n" "$r"
  sleep 1; end=$(daemon_counts)
  check_note "endurance: daemon at the end: $end"
  check_true "endurance: the daemon ran through" kill -0 "$DPID"
  check "endurance: the daemon's own threads the same" "$(field fixed "$base")" "$(field fixed "$end")"
  check_true "endurance: the runtime's threads $(field tp "$end") <= 24 (16 pool workers at most, gate, timer, finalizer, signals, sockets, main)" test "$(field tp "$end")" -le 24
  check "endurance: the daemon's descriptors the same" "$(field fds "$base")" "$(field fds "$end")"
  local rss; rss=$(field rss_kb "$end")
  check_true "endurance: daemon RSS $((rss / 1024)) MB <= 40 MB (the target); growth $(( (rss - $(field rss_kb "$base")) / 1024 )) MB" \
    test "$rss" -le 40960
}
