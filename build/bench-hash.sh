#!/usr/bin/env bash
# Cost of one password verify per scheme: our managed code (in-process, `pam-mysql-net
# bench-verify`) next to libxcrypt's crypt_rn (and libargon2 for argon2id), in one run.
# Hashes are made by the reference tools (mkpasswd, argon2). No timed assertions: it only prints.
#   build/bench-hash.sh [CLI]        (CLI defaults to out/pam-mysql-net; build it first)
# Times are the process's CPU time (CLOCK_PROCESS_CPUTIME_ID, Environment.CpuUsage), which other processes on a
# shared machine disturb far less than wall time. PMN_BENCH_REPS=N alternates ours/C N times per
# scheme (default 5) and keeps the fastest run of each.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLI=${1:-$REPO/out/pam-mysql-net}
REPS=${PMN_BENCH_REPS:-5}
[ -x "$CLI" ] || { echo "no $CLI: build first (cmake -S . -B out && cmake --build out)" >&2; exit 2; }
for tool in cc mkpasswd; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install gcc whois libcrypt-dev)" >&2; exit 2; }
done

TMP=$(mktemp -d /tmp/pmn-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
ARGON2_LIB=$(ls /usr/lib/*/libargon2.so.1 2>/dev/null | head -n 1 || true)
if [ -n "$ARGON2_LIB" ]; then
  cc -O2 -Wall -DWITH_ARGON2 -o "$TMP/crypt_bench" "$REPO/tests/bench/crypt_bench.c" -lcrypt "$ARGON2_LIB"
else
  cc -O2 -Wall -o "$TMP/crypt_bench" "$REPO/tests/bench/crypt_bench.c" -lcrypt
fi

PW='correct horse battery'
# scheme | hash (made by a reference tool) | verifies per timed run | C side (crypt or argon2)
ROWS=(
  "md5crypt|$(mkpasswd -m md5crypt -S pmnbench -- "$PW")|400|crypt"
  "sha256crypt (5000)|$(mkpasswd -m sha256crypt -S pmnbenchsalt0001 -- "$PW")|100|crypt"
  "sha512crypt (5000)|$(mkpasswd -m sha512crypt -S pmnbenchsalt0001 -- "$PW")|100|crypt"
  "bcrypt (cost 10)|$(mkpasswd -m bcrypt -R 10 -- "$PW")|6|crypt"
  "yescrypt (default)|$(mkpasswd -m yescrypt -- "$PW")|20|crypt"
)
if command -v argon2 >/dev/null && [ -n "$ARGON2_LIB" ]; then
  ROWS+=("argon2id (64 MiB, t=3)|$(printf '%s' "$PW" | argon2 pmnbenchsalt0001 -id -t 3 -m 16 -p 1 -e)|2|argon2")
fi

# us_per_verify of one timed run: PROGRAM ARGS... (password on stdin)
per_verify() { printf '%s' "$PW" | "$@" | sed -n 's/.*result=Match .*cpu_us_per_verify=\([0-9.]*\).*/\1/p'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || (b != "" && b + 0 < a + 0)) print b; else print a }'; }

echo "# pam_mysql_net hash benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(uname -r)"
echo "# libxcrypt $(dpkg-query -W -f '${Version}' libcrypt1 2>/dev/null || echo '?'), libargon2 $(dpkg-query -W -f '${Version}' libargon2-1 2>/dev/null || echo 'n/a'); CPU time per verify, fastest of $REPS alternating runs each"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-24s | %12s | %12s | %7s |\n' "scheme" "ours µs CPU" "C µs CPU" "ours/C"
printf '|%s|%s|%s|%s|\n' "--------------------------" "-------------:" "-------------:" "--------:"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name hash n kind <<<"$row"
  ours= theirs=
  for _ in $(seq 1 "$REPS"); do
    ours=$(min "$ours" "$(per_verify "$CLI" bench-verify -- "$hash" "$n")")
    theirs=$(min "$theirs" "$(per_verify "$TMP/crypt_bench" "$kind" "$hash" "$n")")
  done
  if [ -z "$ours" ] || [ -z "$theirs" ]; then
    printf '| %-24s | %12s | %12s | %7s |\n' "$name" "${ours:-no match}" "${theirs:-no match}" "-"
    continue
  fi
  awk -v name="$name" -v o="$ours" -v t="$theirs" \
    'BEGIN { printf "| %-24s | %12.1f | %12.1f | %6.2fx |\n", name, o, t, o / t }'
done
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
