#!/usr/bin/env bash
# Cost of one password verify per scheme: ours (in-process, `pam-mysql-net bench-verify`: the
# module's own verify, which calls libxcrypt, libsodium or libcrypto's SHA-256 where they are
# faster, see "ours via")
# next to every C implementation installed here (libxcrypt's crypt_rn; libargon2 and libsodium for
# Argon2), in one run, against the fastest of them. Hashes are made by the reference tools (mkpasswd,
# argon2). No timed assertions: it only prints.
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
SODIUM_LIB=$(ls /usr/lib/*/libsodium.so.23 2>/dev/null | head -n 1 || true)
CFLAGS=() LIBS=(-lcrypt) ARGON2_KINDS=
[ -n "$ARGON2_LIB" ] && { CFLAGS+=(-DWITH_ARGON2); LIBS+=("$ARGON2_LIB"); ARGON2_KINDS+=,argon2; }
[ -n "$SODIUM_LIB" ] && { CFLAGS+=(-DWITH_SODIUM); LIBS+=("$SODIUM_LIB"); ARGON2_KINDS+=,sodium; }
ARGON2_KINDS=${ARGON2_KINDS#,}
cc -O2 -Wall "${CFLAGS[@]}" -o "$TMP/crypt_bench" "$REPO/tests/bench/crypt_bench.c" "${LIBS[@]}"

PW='correct horse battery'
# scheme | hash (made by a reference tool) | verifies per timed run | C sides (comma-separated) | ours via
ROWS=(
  "md5crypt|$(mkpasswd -m md5crypt -S pmnbench -- "$PW")|400|crypt|managed"
  "sha256crypt (5000)|$(mkpasswd -m sha256crypt -S pmnbenchsalt0001 -- "$PW")|100|crypt|libcrypto"
  "sha512crypt (5000)|$(mkpasswd -m sha512crypt -S pmnbenchsalt0001 -- "$PW")|100|crypt|libxcrypt"
  "bcrypt (cost 10)|$(mkpasswd -m bcrypt -R 10 -- "$PW")|6|crypt|libxcrypt"
  "yescrypt (default)|$(mkpasswd -m yescrypt -- "$PW")|20|crypt|libxcrypt"
)
if command -v argon2 >/dev/null && [ -n "$ARGON2_KINDS" ]; then
  via=$([ -n "$SODIUM_LIB" ] && echo libsodium || echo managed)
  ROWS+=("argon2id (64 MiB, t=3)|$(printf '%s' "$PW" | argon2 pmnbenchsalt0001 -id -t 3 -m 16 -p 1 -e)|2|$ARGON2_KINDS|$via")
  ROWS+=("argon2id (16 MiB, t=3, p=4)|$(printf '%s' "$PW" | argon2 pmnbenchsalt0001 -id -t 3 -m 14 -p 4 -e)|4|$ARGON2_KINDS|$via")
fi

# us_per_verify of one timed run: PROGRAM ARGS... (password on stdin)
per_verify() { printf '%s' "$PW" | "$@" | sed -n 's/.*result=Match .*cpu_us_per_verify=\([0-9.]*\).*/\1/p'; }
library() { case $1 in crypt) echo libxcrypt ;; argon2) echo libargon2 ;; sodium) echo libsodium ;; esac; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || (b != "" && b + 0 < a + 0)) print b; else print a }'; }

echo "# pam_mysql_net hash benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(uname -r)"
echo "# libxcrypt $(dpkg-query -W -f '${Version}' libcrypt1 2>/dev/null || echo '?'), libargon2 $(dpkg-query -W -f '${Version}' libargon2-1 2>/dev/null || echo 'n/a'), libsodium $(dpkg-query -W -f '${Version}' libsodium23 2>/dev/null || echo 'n/a'); CPU time per verify, fastest of $REPS alternating runs each"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-28s | %-9s | %11s | %-10s | %11s | %7s | %s\n' "scheme" "ours via" "ours µs CPU" "fastest C" "C µs CPU" "ours/C" "other C (µs) |"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "------------------------------" "-----------" "------------:" "------------" "------------:" "--------:" "---------------"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name hash n kinds via <<<"$row"
  IFS=',' read -r -a kind_list <<<"$kinds"
  ours=
  declare -A theirs=()
  for _ in $(seq 1 "$REPS"); do
    ours=$(min "$ours" "$(per_verify "$CLI" bench-verify -- "$hash" "$n")")
    for kind in "${kind_list[@]}"; do
      theirs[$kind]=$(min "${theirs[$kind]:-}" "$(per_verify "$TMP/crypt_bench" "$kind" "$hash" "$n")")
    done
  done
  best= best_kind= others=
  for kind in "${kind_list[@]}"; do
    t=${theirs[$kind]}
    [ -n "$t" ] || continue
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a + 0 < b + 0) }'; then
      [ -n "$best" ] && others+="${others:+, }$(library "$best_kind") $best"
      best=$t best_kind=$kind
    else
      others+="${others:+, }$(library "$kind") $t"
    fi
  done
  unset theirs
  if [ -z "$ours" ] || [ -z "$best" ]; then
    printf '| %-28s | %-9s | %11s | %-10s | %11s | %7s | %s |\n' "$name" "$via" "${ours:-no match}" "-" "${best:-no match}" "-" ""
    continue
  fi
  awk -v name="$name" -v via="$via" -v o="$ours" -v t="$best" -v lib="$(library "$best_kind")" -v others="${others:--}" \
    'BEGIN { printf "| %-28s | %-9s | %11.1f | %-10s | %11.1f | %6.2fx | %s |\n", name, via, o, lib, t, o / t, others }'
done
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
