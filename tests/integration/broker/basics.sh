# shellcheck shell=bash
# broker=required: every PAM operation answered by the daemon (it is the only way it can succeed),
# a password change written through it, and the host's own footprint: no runtime is loaded
# (memhost: address space and threads before and after), with broker=off as the contrast.
broker_basics() {
  mdb_sql "GRANT UPDATE (password) ON postfix.mailbox TO 'postfix'@'127.0.0.1'"
  bsvc req required
  check "required: right password" "$PAM_SUCCESS" "$(rc req "$USER1" "$PW1")"
  check "required: wrong password" "$PAM_AUTH_ERR" "$(rc req "$USER1" wrong)"
  check "required: unknown user" "$PAM_USER_UNKNOWN" "$(rc req nosuch@example.test "$PW1")"
  check "required: account management" "$PAM_SUCCESS" "$(rc req "$USER1" "$PW1" acct)"
  local out
  out=$("$HOST" "$WORK/pam.d" req "$USER1" "$PW1" 0 session 2>&1)
  check "required: session open and close" "0 0" "$(sed -n 's/^\(open\|close\)_session.*rc=\([0-9]*\).*/\2/p' <<<"$out" | xargs)"

  mdb_add_user carol@example.test 'Old-pass1'
  local before after
  before=$(mdb_sql "SELECT password FROM postfix.mailbox WHERE username = 'carol@example.test'")
  check "required: password change through the daemon" "$PAM_SUCCESS" \
    "$(PMN_NEW='New-pass1' rc req carol@example.test 'Old-pass1' chauthtok)"
  after=$(mdb_sql "SELECT password FROM postfix.mailbox WHERE username = 'carol@example.test'")
  check_true "required: ... the stored hash changed" test "$before" != "$after"
  check "required: ... the new password logs in" "$PAM_SUCCESS" "$(rc req carol@example.test 'New-pass1')"
  check "required: ... the old one no longer does" "$PAM_AUTH_ERR" "$(rc req carol@example.test 'Old-pass1')"

  # The host's footprint: with the daemon the module maps no runtime and starts no thread.
  bsvc off off
  local m
  m=$("$MEMHOST" "$WORK/pam.d" req "$USER1" "$PW1" 3)
  check_note "memhost, broker=required: $m"
  check "required memhost: logins succeed" "rc=0" "$(grep -o 'rc=[0-9-]*' <<<"$m")"
  local vm0 vm1 t0 t1
  vm0=$(sed -n 's/.*before_vmsize_kb=\([0-9]*\).*/\1/p' <<<"$m"); vm1=$(sed -n 's/.*auth_vmsize_kb=\([0-9]*\).*/\1/p' <<<"$m")
  t0=$(sed -n 's/.*threads_before=\([0-9]*\).*/\1/p' <<<"$m"); t1=$(sed -n 's/.*threads_after=\([0-9]*\).*/\1/p' <<<"$m")
  check_true "required memhost: VmSize added $((vm1 - vm0)) kB <= 2048 kB" test $((vm1 - vm0)) -le 2048
  check "required memhost: threads after = threads before" "$t0" "$t1"
  m=$("$MEMHOST" "$WORK/pam.d" off "$USER1" "$PW1" 3)
  vm0=$(sed -n 's/.*before_vmsize_kb=\([0-9]*\).*/\1/p' <<<"$m"); vm1=$(sed -n 's/.*auth_vmsize_kb=\([0-9]*\).*/\1/p' <<<"$m")
  check_note "contrast, broker=off (in process): VmSize added $((vm1 - vm0)) kB; $m"
}
