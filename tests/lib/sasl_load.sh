# shellcheck shell=bash
# Load and process-health helpers for the reliability suites (failover.sh, faults.sh). Source after
# tests/lib/saslauthd.sh; every function is prefixed load_.
#
#   load_pam_service MODULE OPTS...   -> /etc/pam.d/pmn-test-<random> with auth + account lines and
#                                        the options given; sets SASL_SERVICE SASL_PAM_FILE (removed
#                                        by sasl_remove_pam_service)
#   load_sasl_start N RUNDIR LOG      -> `saslauthd -a pam -r -n N -m RUNDIR -d` in its own process
#                                        group; sets SASL_PID SASL_MUX (stop with sasl_stop)
#   load_run VAR ARGS...              -> tests/lib/sasl_load.py run against SASL_MUX/SASL_SERVICE;
#                                        its key=value line goes into VAR (load_get VAR KEY reads it)
#   load_window VAR CSV FROM TO       -> the same counts for requests started in [FROM, TO)
#   load_proc_stats PID               -> "threads=N fds=N rss_kb=N" from /proc
#   load_worker_pids                  -> saslauthd's workers (its group minus the master), sorted

LOAD_PY=${LOAD_PY:-$(dirname "${BASH_SOURCE[0]}")/sasl_load.py}

load_pam_service() {
  local module=$1; shift
  SASL_SERVICE=pmn-test-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
  SASL_PAM_FILE=/etc/pam.d/$SASL_SERVICE
  cat >"$SASL_PAM_FILE" <<EOF
# written by pam_mysql_net tests/integration; removed when the test exits
auth    required   $module $*
account sufficient $module $*
EOF
}

load_sasl_start() {
  local workers=$1 rundir=$2 log=$3
  mkdir -p "$rundir"
  SASL_MUX=$rundir/mux
  perl -e 'setpgrp(0, 0) or die "setpgrp: $!"; exec @ARGV or die "exec: $!"' \
    saslauthd -a pam -r -n "$workers" -m "$rundir" -d >"$log" 2>&1 </dev/null &
  SASL_PID=$!
  disown "$SASL_PID" 2>/dev/null
  local want_workers=$workers
  for _ in $(seq 1 100); do
    if [ -S "$SASL_MUX" ]; then
      # -n N pre-forks N-1 workers next to the master; -n 0 forks per request.
      [ "$want_workers" -le 1 ] && return 0
      [ "$(load_worker_pids | wc -l)" -ge $((want_workers - 1)) ] && return 0
    fi
    sasl_alive || { echo "saslauthd exited during start:"; cat "$log"; return 1; }
    sleep 0.1
  done
  echo "saslauthd did not come up with $workers workers"; cat "$log"; return 1
}

load_worker_pids() { sasl_group_pids | grep -vx "$SASL_PID" | sort -n; }

load_run() {
  local var=$1; shift
  local out
  out=$(python3 "$LOAD_PY" run --mux "$SASL_MUX" --service "$SASL_SERVICE" "$@" | tail -n 1)
  printf -v "$var" '%s' "$out"
}

load_window() {
  local var=$1 out
  out=$(python3 "$LOAD_PY" window --csv "$2" --from "$3" --to "$4" | tail -n 1)
  printf -v "$var" '%s' "$out"
}

# load_get "total=3 ok=2 ..." ok -> 2
load_get() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

load_proc_stats() {
  local pid=$1 threads rss fds
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
  echo "threads=${threads:-?} fds=$fds rss_kb=${rss:-?}"
}

load_now() { date +%s.%N; }
