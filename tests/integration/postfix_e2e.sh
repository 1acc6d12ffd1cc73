#!/bin/bash
# End-to-end SMTP AUTH test, the classic mail-server recipe:
#   swaks -> Postfix smtpd (127.0.0.1:<free port>, chrooted, STARTTLS, AUTH PLAIN/LOGIN only after
#   STARTTLS) -> Cyrus SASL (smtpd.conf: pwcheck_method saslauthd) -> saslauthd -a pam -r (socket
#   inside the chroot) -> PAM service file -> the module under test -> MariaDB table mailbox.
# Everything is private to a temp dir: MariaDB, saslauthd, and a second Postfix instance
# (`postfix -c DIR`, own queue directory, configs from tests/integration/postfix/*.in). The
# system Postfix configuration is not touched; mail cannot leave (loopback only, no DNS, no smtp
# client in master.cf, every transport is discard:).
#
# Run as root (writes /etc/pam.d/pmn-test-<random>, removed on exit):
#   tests/integration/postfix_e2e.sh                               # our module, out/pam_mysql_net.so
#   PMN_MODULE=/lib/x86_64-linux-gnu/security/pam_mysql.so tests/integration/postfix_e2e.sh
# Env: PMN_MODULE (absolute .so path), PMN_KEEP=1 keeps the temp dir (maillog, saslauthd.log).
# Output: "ok - ..." / "FAIL - ..." lines, last line "N passed, N failed"; exit 1 if any failed.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/sasl_suite.sh"
. "$REPO/tests/lib/postfix.sh"

USER_NAME=alice@example.test
GOOD_PW='S3cret-alice'

# Stops everything this test started (runs on any exit).
stop_all() {
  pf_stop
  sasl_stop
  mdb_stop
  sasl_remove_pam_service
}

setup() {
  sasl_suite_begin e2e stop_all ss iproute2
  pf_ensure_installed || harness_fatal "could not install prerequisites"
  # swaks speaks STARTTLS only with Net::SSLeay (libnet-ssleay-perl, a mere Recommends of swaks).
  swaks --support 2>&1 | grep -q '=== TLS supported' ||
    harness_fatal "swaks has no TLS support: install libnet-ssleay-perl (build/install-deps.sh does)"
  mdb_start "$WORK/db" && mdb_seed_mailbox && mdb_add_user "$USER_NAME" "$GOOD_PW" ||
    harness_fatal "MariaDB did not start"
  sasl_write_pam_service "$PMN_MODULE" 127.0.0.1 "$MDB_PORT"
  # saslauthd's socket lives inside smtpd's chroot (the queue directory) at /var/run/saslauthd.
  local saslauthd_dir=$WORK/postfix/spool/var/run/saslauthd
  pf_setup "$WORK/postfix" "$HERE/postfix" "$(mdb_free_port)" "$saslauthd_dir" "$SASL_SERVICE" ||
    harness_fatal "Postfix instance setup failed"
  sasl_start "$saslauthd_dir" "$WORK/saslauthd.log" || harness_fatal "saslauthd did not start"
  pf_start || harness_fatal "Postfix did not start"
  check_note "postfix master $PF_MASTER_PID, smtpd on 127.0.0.1:$PF_PORT; saslauthd $SASL_PID"
}

# smtp ARGS... : runs swaks against the test instance; sets SMTP_RC and SMTP_OUT.
smtp() {
  SMTP_OUT=$(timeout 60 swaks --server 127.0.0.1 --port "$PF_PORT" --helo client.pmn-e2e.test \
    --from "$USER_NAME" --to someone@example.test --timeout 30 "$@" 2>&1)
  SMTP_RC=$?
}

# smtp_auth MECH USER PASSWORD [swaks args...] : STARTTLS, then AUTH; stops after AUTH by default.
smtp_auth() {
  local mech=$1 user=$2 pass=$3; shift 3
  smtp --tls --auth "$mech" --auth-user "$user" --auth-password "$pass" "${@:---quit-after=AUTH}"
}

# Server reply with CODE in the transcript? swaks marks replies "<- " (plain), "<~ " (TLS),
# errors "<** " / "<~* ".
replied() { grep -qE "^<[-~*]{1,2} +$1[ -]" <<<"$SMTP_OUT" && echo yes || echo no; }

# Every TCP socket the instance listens on must be on 127.0.0.1.
test_loopback_only() {
  command -v ss >/dev/null || { check_note "ss not installed: listening addresses not checked"; return; }
  local addrs
  addrs=$(ss -Hltnp | awk -v p="pid=$PF_MASTER_PID," 'index($0, p) { print $4 }' | sort -u | tr '\n' ' ')
  check "postfix listens only on 127.0.0.1:$PF_PORT" "127.0.0.1:$PF_PORT " "$addrs"
}

test_advertisement() {
  smtp --quit-after=EHLO
  check "plain EHLO: STARTTLS offered" yes "$(grep -q '250-STARTTLS\|250 STARTTLS' <<<"$SMTP_OUT" && echo yes || echo no)"
  check "plain EHLO: no AUTH before STARTTLS" no "$(grep -q '^<-  *250.AUTH' <<<"$SMTP_OUT" && echo yes || echo no)"
  smtp --tls --quit-after=EHLO
  # Exactly PLAIN LOGIN: without smtpd.conf's mech_list, Cyrus would offer SCRAM-*, DIGEST-MD5, ...
  check "EHLO after STARTTLS: AUTH PLAIN LOGIN (smtpd.conf read)" yes \
    "$(grep -qE '^<~  *250.AUTH PLAIN LOGIN$' <<<"$SMTP_OUT" && echo yes || echo no)"
  check "EHLO after STARTTLS: AUTH=PLAIN LOGIN for broken clients" yes \
    "$(grep -qE '^<~  *250.AUTH=PLAIN LOGIN$' <<<"$SMTP_OUT" && echo yes || echo no)"
}

# expect_auth MECH NAME EXPECTED(accepted|refused) USER PASS
expect_auth() {
  local mech=$1 name=$2 expected=$3 user=$4 pass=$5 got
  smtp_auth "$mech" "$user" "$pass"
  if [ "$SMTP_RC" -eq 0 ] && [ "$(replied 235)" = yes ]; then got=accepted
  elif [ "$SMTP_RC" -eq 28 ] && [ "$(replied 535)" = yes ]; then got=refused
  else got="swaks-exit-$SMTP_RC"; fi
  check "AUTH $mech: $name" "$expected" "$got"
}

test_auth() {
  local mech
  for mech in PLAIN LOGIN; do
    expect_auth "$mech" "good password" accepted "$USER_NAME" "$GOOD_PW"
    expect_auth "$mech" "wrong password -> 535" refused "$USER_NAME" "wrong-$GOOD_PW"
    expect_auth "$mech" "unknown user -> 535" refused nobody@example.test "$GOOD_PW"
    expect_auth "$mech" "injection-shaped user -> 535" refused "x' OR '1'='1" "$GOOD_PW"
  done
}

test_auth_requires_tls() {
  smtp --auth PLAIN --auth-user "$USER_NAME" --auth-password "$GOOD_PW" --quit-after=AUTH
  check "AUTH without STARTTLS not possible" no "$(replied 235)"
}

test_relay_rules_and_delivery() {
  smtp --tls --quit-after=RCPT
  check "no AUTH: recipient rejected (relay denied)" yes "$(replied 554)"
  smtp_auth PLAIN "$USER_NAME" "$GOOD_PW" --header "Subject: pmn-e2e" --body "pmn e2e test"
  check "AUTH PLAIN + full message: queued (swaks exit 0)" 0 "$SMTP_RC"
  local queue_id
  queue_id=$(sed -n 's/^<~  *250 2.0.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' <<<"$SMTP_OUT")
  check "message got a queue id" yes "$([ -n "$queue_id" ] && echo yes || echo no)"
  local delivered=no
  for _ in $(seq 1 50); do
    grep -q "$queue_id: to=<someone@example.test>.*relay=none.*status=sent (pmn-e2e)" "$PF_LOG" 2>/dev/null &&
      { delivered=yes; break; }
    sleep 0.2
  done
  check "message discarded by the discard: transport (never left)" yes "$delivered"
  check "sasl_username logged for the message" yes \
    "$(grep -q "$queue_id: client=.*sasl_method=PLAIN, sasl_username=$USER_NAME" "$PF_LOG" && echo yes || echo no)"
}

test_what_pam_saw() {
  check_note "saslauthd saw: $(grep -m1 -o 'auth success: \[user=[^]]*\] \[service=[^]]*\] \[realm=[^]]*\]' "$WORK/saslauthd.log")"
  check "saslauthd got user@domain from smtpd" yes \
    "$(grep -q "auth success: \[user=$USER_NAME\]" "$WORK/saslauthd.log" && echo yes || echo no)"
}

# Number of live (non-zombie) processes in process group $1.
live_in_group() { ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/' | wc -l; }

main() {
  local start=$SECONDS
  setup
  test_loopback_only
  test_advertisement
  test_auth
  test_auth_requires_tls
  test_relay_rules_and_delivery
  test_what_pam_saw
  check "saslauthd alive at the end" yes "$(sasl_alive && echo yes || echo no)"
  check "postfix master alive at the end" yes "$(pf_alive && echo yes || echo no)"
  local master=$PF_MASTER_PID sasl=$SASL_PID
  pf_stop
  sasl_stop
  check "postfix instance fully stopped" 0 "$(live_in_group "$master")"
  check "saslauthd fully stopped" 0 "$(live_in_group "$sasl")"
  check_note "run time $((SECONDS - start)) s"
  harness_end
}

main "$@"
