# shellcheck shell=bash
# The README's idioms, as written there: [authinfo_unavail=ignore] to fall through to the next
# module only while the database is down, and a statcolumn for PostfixAdmin's password_expiry.
admin_idioms() {
  local down=${SEED/host=127.0.0.1:$MDB_PORT/host=127.0.0.1:$(mdb_free_port)}
  # auth [success=done authinfo_unavail=ignore default=die] pam_mysql_net.so ... ; auth required pam_permit.so
  stack() {
    printf 'auth [success=done authinfo_unavail=ignore default=die] %s %s connect_timeout=1 broker=off\nauth required pam_permit.so\n' \
      "$MODULE" "$1" >"$WORK/pam.d/$2"
  }
  stack "$SEED" fallthrough
  stack "$down" fallthrough-down
  check "authinfo_unavail=ignore, database up: the right password" $PAM_SUCCESS "$(rc fallthrough alice@example.test 'S3cret!')"
  check "... a wrong password still ends the stack (pam_permit is not reached)" $PAM_AUTH_ERR "$(rc fallthrough alice@example.test 'wrong')"
  check "... an unknown user too" $PAM_USER_UNKNOWN "$(rc fallthrough ghost@example.test 'x')"
  check "database down: the module says PAM_AUTHINFO_UNAVAIL on a line of its own" $PAM_AUTHINFO_UNAVAIL \
    "$(service alone "$down connect_timeout=1 broker=off"; rc alone alice@example.test 'S3cret!')"
  check "... and the stack falls through to the next module (pam_permit)" $PAM_SUCCESS "$(rc fallthrough-down alice@example.test 'anything')"

  # PostfixAdmin's mailbox.password_expiry (DATETIME).
  mdb_sql "ALTER TABLE postfix.mailbox ADD COLUMN password_expiry DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00'"
  mdb_add_user expired@example.test 'Exp1red!'
  mdb_add_user current@example.test 'Curr3nt!'
  mdb_sql "UPDATE postfix.mailbox SET password_expiry = NOW() - INTERVAL 1 DAY WHERE username = 'expired@example.test';
           UPDATE postfix.mailbox SET password_expiry = NOW() + INTERVAL 30 DAY WHERE username = 'current@example.test'"
  service expiry "$SEED broker=off [statcolumn=IF(active = 0, 1, 0) | IF(password_expiry > '2001-01-01' AND password_expiry < NOW(), 2, 0)]"
  check "password_expiry in the past: acct_mgmt says PAM_NEW_AUTHTOK_REQD" $PAM_NEW_AUTHTOK_REQD "$(rc expiry expired@example.test 'Exp1red!' acct)"
  check "password_expiry in the future: acct_mgmt lets in" $PAM_SUCCESS "$(rc expiry current@example.test 'Curr3nt!' acct)"
  check "the column's old default (no expiry): acct_mgmt lets in" $PAM_SUCCESS "$(rc expiry alice@example.test 'S3cret!' acct)"
  mdb_sql "UPDATE postfix.mailbox SET active = 0 WHERE username = 'current@example.test'"
  check "an inactive mailbox: PAM_ACCT_EXPIRED" $PAM_ACCT_EXPIRED "$(rc expiry current@example.test 'Curr3nt!' acct)"
}
