# shellcheck shell=bash
# Security review M3 and L7: what the module trusts on its way to its core, its helper and its
# config file. Each is opened once, every directory from / down is checked on its descriptor (owned
# by root or by the user the module runs as, not writable by group or others unless sticky and
# root's, no symbolic link), and the core or helper is then loaded or run from that descriptor.
# Part of tests/integration/security.sh (see there for OUT, MODULE, HOST, WORK, SEED, service, rc).

# Root-owned copies of the shim, core and helper in DIR (made with root-owned, 0755 parents).
paths_copy() {
  install -d -o root -g root -m 755 "$1"
  install -o root -g root -m 755 "$OUT/pam_mysql_net.so" "$OUT/pam-mysql-net" "$1/"
  install -o root -g root -m 644 "$OUT/pam_mysql_net_core.so" "$1/"
}

# The PAM code of one login run under WRAP (word-split; "" for none): paths_rc WRAP SERVICE USER PASSWORD
paths_rc() {
  local wrap=$1; shift
  # shellcheck disable=SC2086
  $wrap "$HOST" "$WORK/pam.d" "$1" "$2" "$3" -1 auth 2>&1 | sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1
}
# Under a 64 MiB address-space cap the runtime cannot start in the host: the helper answers.
PATHS_HELPER="prlimit --as=67108864"
PATHS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"

# Runs a command in a mount namespace of its own without /proc.
paths_without_proc() { unshare --mount --propagation private bash -c 'umount -l /proc && exec "$@"' _ "$@"; }

# 0 if a syslog line written since the mark holds TEXT (a fixed string)
paths_logged() { syslog_since | grep -qF -- "$1"; }
# How many syslog lines since the mark hold TEXT
paths_count() { syslog_since | grep -cF -- "$1"; }

# paths_refused TITLE WRAP SERVICE TEXT: alice's login is PAM_SERVICE_ERR, a syslog line holds TEXT
paths_refused() {
  syslog_mark
  check "$1: PAM_SERVICE_ERR" "$PAM_SERVICE_ERR" "$(paths_rc "$2" "$3" alice@example.test 'S3cret!')"
  check_true "$1: one line says why" paths_logged "$4"
}

# paths_below DIR OWNER MODE SERVICE: DIR made with OWNER and MODE, a clean copy in DIR/lib, SERVICE using it
paths_below() {
  install -d -o "$2" -g root -m "$3" "$1"
  paths_copy "$1/lib"
  MODULE=$1/lib/pam_mysql_net.so service "$4" "$SEED"
}

security_paths() {
  local base=$WORK/paths pw='S3cret!' user=alice@example.test
  install -d -o root -g root -m 755 "$base"

  echo "# M3: a root-owned copy below a directory everyone may write to (0777, not sticky)"
  local open=$base/open
  paths_below "$open" root 777 paths-open
  paths_refused "core below 0777" "" paths-open \
    "refusing $open/lib/pam_mysql_net_core.so: directory $open is writable by group or others"
  paths_refused "helper below 0777" "$PATHS_HELPER" paths-open \
    "refusing $open/lib/pam-mysql-net: directory $open is writable by group or others"

  echo "# M3: sticky is not enough when the directory is not root's (1777, owned by nobody)"
  local sticky=$base/sticky
  paths_below "$sticky" nobody 1777 paths-sticky
  paths_refused "core below a nobody-owned 1777 directory" "" paths-sticky \
    "refusing $sticky/lib/pam_mysql_net_core.so: directory $sticky is owned by uid $(id -u nobody)"

  echo "# M3: a symbolic link in place of the core or the helper, next to a copied shim"
  local link=$base/link hlink=$base/helper-link
  paths_copy "$link"
  paths_copy "$hlink"
  ln -sf "$OUT/pam_mysql_net_core.so" "$link/pam_mysql_net_core.so"
  ln -sf "$OUT/pam-mysql-net" "$hlink/pam-mysql-net"
  MODULE=$link/pam_mysql_net.so service paths-link "$SEED"
  MODULE=$hlink/pam_mysql_net.so service paths-hlink "$SEED"
  paths_refused "symlinked core" "" paths-link "refusing $link/pam_mysql_net_core.so: the file is a symbolic link"
  paths_refused "symlinked helper" "$PATHS_HELPER" paths-hlink "refusing $hlink/pam-mysql-net: the file is a symbolic link"

  echo "# M3: a group-writable core or helper, whatever user the host runs as"
  local gw=$base/group-writable
  paths_copy "$gw"
  chmod g+w "$gw/pam_mysql_net_core.so" "$gw/pam-mysql-net"
  MODULE=$gw/pam_mysql_net.so service paths-gw "$SEED"
  syslog_mark
  check "group-writable core, root host: PAM_SERVICE_ERR" "$PAM_SERVICE_ERR" "$(paths_rc "" paths-gw "$user" "$pw")"
  check "group-writable core, host running as nobody: PAM_SERVICE_ERR" "$PAM_SERVICE_ERR" \
    "$(paths_rc "$PATHS_NOBODY" paths-gw "$user" "$pw")"
  check "group-writable helper, host running as nobody: PAM_SERVICE_ERR" "$PAM_SERVICE_ERR" \
    "$(paths_rc "$PATHS_NOBODY $PATHS_HELPER" paths-gw "$user" "$pw")"
  # (under the cap the core is not tried: the helper is used straight away)
  check "each refusal logged once, naming the file" "2 1" \
    "$(paths_count "refusing $gw/pam_mysql_net_core.so: the file is writable by group or others") $(paths_count "refusing $gw/pam-mysql-net: the file is writable by group or others")"

  echo "# M3: a clean root-owned copy works, in the host and through the helper"
  local clean=$base/clean
  paths_copy "$clean"
  MODULE=$clean/pam_mysql_net.so service paths-clean "$SEED"
  syslog_mark
  check "clean copy: PAM_SUCCESS" "$PAM_SUCCESS" "$(paths_rc "" paths-clean "$user" "$pw")"
  check "clean copy through the helper: PAM_SUCCESS" "$PAM_SUCCESS" "$(paths_rc "$PATHS_HELPER" paths-clean "$user" "$pw")"
  check "clean copy, host running as nobody: PAM_SUCCESS" "$PAM_SUCCESS" "$(paths_rc "$PATHS_NOBODY" paths-clean "$user" "$pw")"
  check "clean copy, wrong password: PAM_AUTH_ERR" "$PAM_AUTH_ERR" "$(paths_rc "" paths-clean "$user" nope)"
  check "nothing refused" 0 "$(paths_count refusing)"

  echo "# M3: a module named through a symlinked directory: its real directory is the one walked"
  # (as /lib/x86_64-linux-gnu/security is /usr/lib/... on merged-/usr Debian)
  ln -sfn "$clean" "$base/clean-link"
  ln -sfn "$open/lib" "$base/open-link"
  MODULE=$base/clean-link/pam_mysql_net.so service paths-clean-link "$SEED"
  MODULE=$base/open-link/pam_mysql_net.so service paths-open-link "$SEED"
  check "link to the clean copy: PAM_SUCCESS" "$PAM_SUCCESS" "$(paths_rc "" paths-clean-link "$user" "$pw")"
  paths_refused "link to the copy below 0777" "" paths-open-link \
    "refusing $open/lib/pam_mysql_net_core.so: directory $open is writable by group or others"

  echo "# M3: without /proc the checked core cannot be loaded from its descriptor: refused, not loaded by path"
  paths_refused "/proc unmounted" paths_without_proc paths-clean \
    "refusing $clean/pam_mysql_net_core.so: /proc is not mounted"

  echo "# L7: the config file's directories"
  local conf=$base/conf
  install -d -o root -g root -m 755 "$conf"
  printf 'users.database = postfix\n' >"$conf/pmn.conf"
  chmod 600 "$conf/pmn.conf"
  install -o root -g root -m 600 "$conf/pmn.conf" "$open/pmn.conf"
  ln -sfn "$conf" "$base/conf-link"
  service paths-conf-ok "$SEED" "config_file=$conf/pmn.conf"
  service paths-conf-open "$SEED" "config_file=$open/pmn.conf"
  service paths-conf-link "$SEED" "config_file=$base/conf-link/pmn.conf"
  check "config file in a root-owned directory: PAM_SUCCESS" "$PAM_SUCCESS" "$(rc paths-conf-ok "$user" "$pw")"
  paths_refused "config file in a 0777 directory" "" paths-conf-open \
    "config_file $open/pmn.conf is refused: directory $open is writable by group or others"
  paths_refused "config file through a symlinked directory" "" paths-conf-link \
    "config_file $base/conf-link/pmn.conf is refused: directory $base/conf-link is a symbolic link"

  echo "# L7: a config-file value that overrides a different module argument"
  printf 'users.db_passwd = yourpass\nusers.database = postfix\n' >"$conf/override.conf"
  chmod 600 "$conf/override.conf"
  service paths-override "${SEED/passwd=yourpass/passwd=notThisOne}" db=postfix "config_file=$conf/override.conf"
  syslog_mark
  check "the file's value wins (pam_mysql's order): PAM_SUCCESS" "$PAM_SUCCESS" "$(rc paths-override "$user" "$pw")"
  local notice="$conf/override.conf line 1 (users.db_passwd) overrides the module argument 'passwd' with another value"
  check "one NOTICE line names the option and the line" 1 "$(paths_count "$notice")"
  check "at NOTICE priority (authpriv.notice: <85>)" 1 "$(syslog_since | grep -F -- "$notice" | grep -c '^<85>')"
  check_true "no password in it" bash -c "! grep -qE 'notThisOne|yourpass' <<<\"\$1\"" _ "$(syslog_since)"
  check "db=postfix, the same in both: no notice for it" 0 "$(paths_count "'db'")"
}
