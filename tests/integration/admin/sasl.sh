# shellcheck shell=bash
# What saslauthd 2.1.28 (Debian 12) really hands PAM: the service (Postfix's smtpd_sasl_service),
# and no PAM_RHOST, neither from testsaslauthd nor for an SMTP client of Postfix (swaks from
# 127.0.0.1). Checked with placeholders that only match when %r is NULL, and an sqllog row.
admin_sasl() {
  source "$REPO/tests/lib/pkg.sh"
  source "$REPO/tests/lib/saslauthd.sh"
  source "$REPO/tests/lib/postfix.sh"
  sasl_ensure_installed && pf_ensure_installed || { check "setup: saslauthd and Postfix installed" ok failed; return; }
  check_note "saslauthd: $(dpkg-query -W -f '${Version}' sasl2-bin)"
  mdb_sql "CREATE TABLE postfix.authlog (msg VARCHAR(255), user VARCHAR(255), rhost VARCHAR(255));
           GRANT INSERT ON postfix.authlog TO 'postfix'@'127.0.0.1'"
  local log="sqllog=1 logtable=authlog logmsgcolumn=msg logusercolumn=user logrhostcolumn=rhost"
  # Matches only when saslauthd passes no PAM_RHOST and the service named after the pam.d file.
  sasl_write_pam_service "$MODULE" 127.0.0.1 "$MDB_PORT" "$log [where=%r IS NULL AND %s = '@SERVICE@']"
  local null_service=$SASL_SERVICE null_file=$SASL_PAM_FILE
  on_exit "rm -f $null_file"
  sasl_write_pam_service "$MODULE" 127.0.0.1 "$MDB_PORT" "[where=%r IS NOT NULL]"
  local rhost_service=$SASL_SERVICE
  on_exit "rm -f $SASL_PAM_FILE"
  local dir=$WORK/postfix/spool/var/run/saslauthd
  pf_setup "$WORK/postfix" "$REPO/tests/integration/postfix" "$(mdb_free_port)" "$dir" "$null_service" ||
    { check "setup: Postfix instance" ok failed; return; }
  sasl_start "$dir" "$WORK/saslauthd.log" || { check "setup: saslauthd starts" ok failed; return; }
  on_exit sasl_stop

  SASL_SERVICE=$null_service
  sasl_auth alice@example.test 'S3cret!'
  check "testsaslauthd: %s is the service and %r is NULL (where=%r IS NULL AND %s = service)" OK "$SASL_RESULT"
  SASL_SERVICE=$rhost_service
  sasl_auth alice@example.test 'S3cret!'
  check "testsaslauthd: where=%r IS NOT NULL finds no row: saslauthd sets no PAM_RHOST" NO "$SASL_RESULT"

  mdb_sql "DELETE FROM postfix.authlog"
  pf_start || { check "setup: Postfix starts" ok failed; return; }
  on_exit pf_stop
  local out
  out=$(timeout 60 swaks --server 127.0.0.1 --port "$PF_PORT" --helo client.pmn-admin.test --from alice@example.test \
    --to someone@example.test --timeout 30 --tls --auth PLAIN --auth-user alice@example.test --auth-password 'S3cret!' \
    --quit-after=AUTH 2>&1)
  check "SMTP AUTH from 127.0.0.1 through Postfix and saslauthd: accepted with where=%r IS NULL" yes \
    "$(grep -qE '^<~ +235[ -]' <<<"$out" && echo yes || echo no)"
  check "... one sqllog row for that AUTH" 1 "$(mdb_sql "SELECT COUNT(*) FROM postfix.authlog WHERE msg = 'AUTHENTICATION SUCCESS' AND user = 'alice@example.test'")"
  check "... and every row's rhost is the module's '(unknown)': the client's address never reached PAM" "(unknown)" \
    "$(mdb_sql "SELECT DISTINCT rhost FROM postfix.authlog")"
}
