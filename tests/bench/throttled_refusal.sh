#!/usr/bin/env bash
# What a throttled refusal costs, against what libpam itself costs: N logins of a throttled
# address in one host process (out/pmn_pam_host "steps": pam_start, pam_authenticate, pam_end
# each), in process and through the daemon, side by side with a service that is only
# pam_permit.so. Measures; asserts nothing. The README's "Brute force" refusal numbers.
#   bash tests/bench/throttled_refusal.sh      (as root, after cmake --build out); PMN_TR_N (3000)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"

N=${PMN_TR_N:-3000}
pam_suite_begin refusal
mkdir -p "$WORK/run"
"$CLI" daemon --socket "$WORK/run/socket" >"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
on_exit "kill $DAEMON_PID; wait $DAEMON_PID"
for _ in $(seq 1 100); do [ -S "$WORK/run/socket" ] && break; sleep 0.05; done
LINE="$SEED throttle_attempts=3 throttle_window=600 throttle_max_backoff=600"
service inproc "$LINE broker=off"
service daemon "$LINE broker=required broker_socket=$WORK/run/socket"
printf '%s required pam_permit.so\n' auth account >"$WORK/pam.d/permit"
{ for i in 1 2 3; do echo "auth bob@example.test wrong$i 192.0.2.7"; done
  for _ in $(seq 1 "$N"); do echo "auth alice@example.test S3cret! 192.0.2.7"; done; } >"$WORK/steps"
# summary FILE RC: the microseconds of the logins answered RC (the first 100 left out as warm-up)
summary() {
  sed -n "s/.*rc=$2 .* us=\([0-9]*\)\$/\1/p" "$1" | tail -n +100 | sort -n |
    awk '{a[NR] = $1; s += $1} END {printf "%d logins: p50 %d us, p90 %d us, mean %.0f us", NR, a[int(NR / 2)], a[int(NR * 0.9)], s / NR}'
}
echo "| route | pam_start + pam_authenticate + pam_end, $N logins in one process |"
echo "|---|---|"
for svc in inproc daemon; do
  "$HOST" "$WORK/pam.d" "$svc" - - 0 steps <"$WORK/steps" >"$WORK/$svc.out"
  echo "| throttled refusal, $svc | $(summary "$WORK/$svc.out" 7) |"
done
sed 's/S3cret!/x/' "$WORK/steps" | "$HOST" "$WORK/pam.d" permit - - 0 steps >"$WORK/permit.out"
echo "| pam_permit.so alone | $(summary "$WORK/permit.out" 0) |"
