#!/usr/bin/env bash
# Runs every test: installs what is missing, builds with CMake, runs the xunit unit tests and the
# integration suites against real MariaDB, libpam, saslauthd and Postfix.
# The last line is the total: "N passed, N failed". Exit status 0 only if nothing failed.
#   build/test.sh            (as root on Debian 12)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
LOGS=$(mktemp -d /tmp/pmn-test-logs.XXXXXX)
passed=0 failed=0

step() { echo; echo "=== $*"; }

step "dependencies"
bash build/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

step "build"
if ! { cmake -S . -B out -DCMAKE_BUILD_TYPE=Release >"$LOGS/cmake.log" && cmake --build out; }; then
  cat "$LOGS/cmake.log"; echo "0 passed, 1 failed"; exit 1
fi

step "unit tests (xunit)"
dotnet test tests/PamMySqlNet.Tests -c Release --nologo 2>&1 | tee "$LOGS/unit.log"
unit=$(grep -E '(Passed|Failed)!' "$LOGS/unit.log" | tail -n 1)
if [ -n "$unit" ]; then
  passed=$((passed + $(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$unit")))
  failed=$((failed + $(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$unit")))
else
  echo "the unit tests did not report"; failed=$((failed + 1))
fi

# Each suite prints "N passed, N failed" last; a suite that dies without it counts as a failure.
SUITES=(
  tests/integration/module.sh         # the module through libpam: codes, host safety, faults, syslog
  tests/integration/tls.sh            # TLS to the database
  tests/integration/cli.sh            # pam-mysql-net check / test / verify / hash
  tests/integration/hashes.sh         # every reference vector through the CLI and the module
  tests/integration/saslauthd.sh      # saslauthd -a pam -r with testsaslauthd
  tests/integration/postfix_e2e.sh    # Postfix SMTP AUTH over STARTTLS with swaks
  tests/integration/services.sh       # Dovecot, vsftpd, sshd and a setuid host, ours and pam_mysql
  tests/integration/security.sh       # the security review's findings, one regression test each
  tests/integration/broker.sh         # the resident daemon: routes, trust, setuid host, kills, load, fuzz, pool
  tests/integration/throttle.sh       # brute-force throttling: lock-out, release, daemon-wide counters, throttle_table, daemon --status
  tests/integration/admin.sh          # mail hosts: placeholders, default_scheme, weak_schemes, RSA keys, saslauthd facts, app passwords
  tests/integration/hooks.sh          # auth_succ_query / auth_fail_query: counters, placeholders as values, failing hooks change nothing
  tests/integration/rehash.sh         # rehash on login: MD5-crypt to SHA-512-crypt/argon2id once, compare-and-set, no privilege, routes
  tests/integration/failover.sh       # primary+replica and Galera, servers killed under load
  tests/integration/faults.sh         # stop/freeze/restart under load, saslauthd -n 0/-n 4, endurance
  tests/integration/differential.sh   # the same cases through Debian's pam_mysql.so and ours
  tests/integration/package.sh        # the .deb: install, authenticate, purge
  tests/integration/rpm.sh            # the RPM (scratch-root install, rpmlint) and the SELinux module
)
for suite in "${SUITES[@]}"; do
  [ -f "$suite" ] || continue
  step "$suite"
  log="$LOGS/$(basename "$suite").log"
  bash "$suite" 2>&1 | tee "$log"
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -n "$summary" ]; then
    passed=$((passed + ${summary%% passed*}))
    n=${summary#*, }; failed=$((failed + ${n%% failed*}))
  else
    echo "$suite ended without a summary"; failed=$((failed + 1))
  fi
done

rm -rf "$LOGS"
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
