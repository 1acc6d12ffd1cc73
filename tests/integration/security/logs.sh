# shellcheck shell=bash
# L2: nothing that breaks or disguises a syslog line reaches it as itself: user names with line
# separators or bidi controls are refused before any query and shown escaped; a server's error
# text is escaped too (a fake server, security/fake_err_server.py, answers with an ERR packet
# holding a newline, an ESC sequence and U+2028: MariaDB itself escapes what it quotes).
# M4: passwd= on a pam.d line that every local user can read gives one warning with the fix.
security_logs() {
  service logs "$SEED" verbose
  syslog_mark
  check "L2 a user name with U+2028 is refused as unknown" $PAM_USER_UNKNOWN \
    "$(rc logs $'bob\u2028Dec  1 00:00:00 host sshd[1]: Accepted password for root' x)"
  check "L2 a user name with U+202E is refused as unknown" $PAM_USER_UNKNOWN "$(rc logs $'rlo\u202eyeknom' x)"
  local since
  since=$(syslog_since)
  check_true "L2 no U+2028 or U+202E reached syslog" bash -c "! grep -q \$'\\u2028\\|\\u202e' <<<\"\$1\"" _ "$since"
  check_true "L2 the refusal says why" grep -q 'line separator or a bidi control' <<<"$since"
  local fake_out=$WORK/fake_err.out fake_pid fake_port i
  python3 "$REPO/tests/integration/security/fake_err_server.py" 4 >"$fake_out" 2>&1 &
  fake_pid=$!
  on_exit kill "$fake_pid"
  for i in $(seq 1 50); do fake_port=$(head -n 1 "$fake_out"); [ -n "$fake_port" ] && break; sleep 0.1; done
  service logs_err "${SEED/host=127.0.0.1:$MDB_PORT/host=127.0.0.1:$fake_port}" failover_backoff=0
  syslog_mark
  check "L2 a hostile server's error text: PAM_AUTHINFO_UNAVAIL" $PAM_AUTHINFO_UNAVAIL "$(rc logs_err alice@example.test 'S3cret!')"
  since=$(syslog_since)
  check_true "L2 its newline, ESC and U+2028 are logged escaped" \
    grep -qF 'Access denied\u{000a}Dec  1 09:00:00 host sshd[4242]: Accepted password for root\u{001b}[2J\u{2028}end' <<<"$since"
  check_true "L2 and no raw ESC or U+2028 reached syslog" bash -c "! grep -q \$'\\e\\|\\u2028' <<<\"\$1\"" _ "$since"
  check "L2 the forged 'Accepted password' never starts a line of its own" 0 "$(grep -c '^Dec  1 09:00:00' <<<"$since")"

  local svc=pmn-sec-$$-$RANDOM
  on_exit rm -f "/etc/pam.d/$svc"
  printf 'auth required %s %s\n' "$MODULE" "$SEED" >"/etc/pam.d/$svc"
  chmod 644 "/etc/pam.d/$svc"
  syslog_mark
  echo 'S3cret!' | pamtester "$svc" alice@example.test authenticate >/dev/null 2>&1
  check "M4 login through a world-readable service file with passwd=" 0 "$?"
  check "M4 one warning names the file and the fix" 1 \
    "$(syslog_since | grep -c "the database password (passwd=) is in /etc/pam.d/$svc, which every local user can read: put it in a config_file")"
  check_true "M4 the warning never shows the password" bash -c "! grep -q yourpass '$WORK/syslog'"
  chmod 600 "/etc/pam.d/$svc"
  syslog_mark
  echo 'S3cret!' | pamtester "$svc" alice@example.test authenticate >/dev/null 2>&1
  check "M4 a 0600 service file: no warning" 0 "$(syslog_since | grep -c 'the database password (passwd=)')"
  local out
  chmod 644 "/etc/pam.d/$svc"
  out=$("$CLI" check --service "$svc" 2>&1)
  check_true "M4 pam-mysql-net check flags it" grep -q "PROBLEM: the database password (passwd=) is in /etc/pam.d/$svc" <<<"$out"
}
