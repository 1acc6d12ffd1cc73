# shellcheck shell=bash
# %s %r %n %d %u in where= and select=, bound as parameters, on the three routes: in process,
# the fork helper (an address-space cap too small for the runtime), the resident daemon.
admin_placeholders() {
  mdb_sql "ALTER TABLE postfix.mailbox ADD COLUMN smtp_active TINYINT(1) NOT NULL DEFAULT 1"
  mdb_add_user nosmtp@example.test 'N0-smtp!'
  mdb_sql "UPDATE postfix.mailbox SET smtp_active = 0 WHERE username = 'nosmtp@example.test'"
  local where="[where=smtp_active = 1 OR %s <> 'smtp']"
  local byip="[where=%r IS NULL OR %r LIKE '192.0.2.%']"
  local split="[select=SELECT password FROM mailbox WHERE local_part = %n AND domain = '%d' AND (%s <> 'smtp' OR smtp_active = 1)]"

  # The service name is the file name: smtp and imap run the same line.
  local sock=$WORK/admin-daemon.sock route prefix args
  admin_daemon "$sock"

  for route in process helper daemon; do
    admin_route "$route" "$sock"
    # rr SERVICE USER PASSWORD RHOST: the code on this route
    rr() {
      local envs=(-u PMN_RHOST)
      [ "$4" != - ] && envs=("PMN_RHOST=$4")
      env "${envs[@]}" $prefix "$HOST" "$WORK/pam.d" "$1" "$2" "$3" -1 auth 2>&1 | sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1
    }
    for svc in smtp imap; do service "$svc" "$SEED $args $where"; done
    check "$route: %s: smtp_active=0 refused for service smtp (no row)" $PAM_USER_UNKNOWN "$(rr smtp nosmtp@example.test 'N0-smtp!' -)"
    check "$route: %s: the same mailbox logs in to service imap" $PAM_SUCCESS "$(rr imap nosmtp@example.test 'N0-smtp!' -)"
    check "$route: %s: an smtp_active mailbox logs in to smtp" $PAM_SUCCESS "$(rr smtp alice@example.test 'S3cret!' -)"
    service byip "$SEED $args $byip"
    check "$route: %r: an address inside 192.0.2.0/24 is let in" $PAM_SUCCESS "$(rr byip alice@example.test 'S3cret!' 192.0.2.7)"
    check "$route: %r: an address outside it finds no row" $PAM_USER_UNKNOWN "$(rr byip alice@example.test 'S3cret!' 198.51.100.7)"
    check "$route: %r: no PAM_RHOST is NULL (%r IS NULL)" $PAM_SUCCESS "$(rr byip alice@example.test 'S3cret!' -)"
    for svc in smtp imap; do service "$svc" "$SEED $args $split"; done
    check "$route: %n and %d find the row by local part and domain" $PAM_SUCCESS "$(rr imap alice@example.test 'S3cret!' -)"
    check "$route: %n and %d with a wrong password" $PAM_AUTH_ERR "$(rr imap alice@example.test 'wrong' -)"
    check "$route: select with %s: smtp_active=0 refused for smtp" $PAM_USER_UNKNOWN "$(rr smtp nosmtp@example.test 'N0-smtp!' -)"
    check "$route: select with %s: ... let in for imap" $PAM_SUCCESS "$(rr imap nosmtp@example.test 'N0-smtp!' -)"
  done

  # Values are parameters: quotes in them are data, never SQL.
  service byip "$SEED broker=off $byip"
  check "an rhost that tries SQL (x' OR '1'='1) is a value: no row" $PAM_USER_UNKNOWN \
    "$(rh byip alice@example.test 'S3cret!' "x' OR '1'='1")"
  service imap "$SEED broker=off $split"
  check "a user name that tries SQL in %n/%d is a value: no row" $PAM_USER_UNKNOWN \
    "$(rh imap "alice' OR '1'='1@example.test" 'S3cret!' -)"
  service pamsel "$SEED broker=off [select=SELECT password FROM mailbox WHERE username = '%s']"
  syslog_mark
  check "pam_mysql's select= with %s for the user is refused (never run with the service)" $PAM_SERVICE_ERR \
    "$(rh pamsel alice@example.test 'S3cret!' -)"
  check "... and the log says why" 1 "$(syslog_since | grep -c "in pam_mysql's select= %s was the user name")"
  service modulo "$SEED broker=off [where=LENGTH(username) %% 1 = 0 AND username LIKE '%example%']"
  check "%% is one % (modulo) and a LIKE pattern keeps its %" $PAM_SUCCESS "$(rh modulo alice@example.test 'S3cret!' -)"

  service smtp "$SEED broker=off $split"
  check "pam-mysql-net check --user: %s is the --service name" 1 \
    "$("$CLI" check --service smtp --pam-dir "$WORK/pam.d" --user nosmtp@example.test 2>/dev/null \
       | grep -c "PROBLEM: user 'nosmtp@example.test': not found by the module's query")"
  check "... the same mailbox through service imap is found" 1 \
    "$("$CLI" check --service imap --pam-dir "$WORK/pam.d" --user nosmtp@example.test 2>/dev/null | grep -c "user 'nosmtp@example.test': found")"
  service byip "$SEED broker=off $byip"
  check "... --rhost outside the range: not found" 1 \
    "$("$CLI" check --service byip --pam-dir "$WORK/pam.d" --user alice@example.test --rhost 198.51.100.7 2>/dev/null | grep -c 'not found by the module')"
}
