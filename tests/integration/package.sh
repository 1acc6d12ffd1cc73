#!/usr/bin/env bash
# The Debian package as an admin meets it: build the .deb, `apt-get install ./…deb`, check the
# files, render the man pages, authenticate with pamtester through the INSTALLED module named by
# its plain name (pam_mysql_net.so) while the .NET SDK is hidden, then purge the package and check
# that nothing it installed is left behind.
#   bash tests/integration/package.sh      (as root; installs and removes pam-mysql-net)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/check.sh"
source "$REPO/tests/lib/harness.sh"
source "$REPO/tests/lib/mariadb.sh"

SERVICE=pmn-pkg-$$
package_stop() {
  mdb_stop
  rm -f "/etc/pam.d/$SERVICE"
  if dpkg -s pam-mysql-net >/dev/null 2>&1; then apt-get purge -y -q pam-mysql-net >/dev/null 2>&1; fi
}
harness_begin pkg package_stop
command -v man >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q man-db >/dev/null

echo "# build and install"
bash "$REPO/build/package.sh" >"$WORK/package.log" 2>&1
check "build/package.sh builds the .deb" 0 "$?"
DEB=$(ls "$REPO"/out/pam-mysql-net_*_amd64.deb 2>/dev/null | head -n 1)
check_true "the package is named pam-mysql-net_<version>_amd64.deb" test -f "$DEB"
check_true "it does not depend on .NET" bash -c "! dpkg-deb -f '$DEB' Depends | grep -qi dotnet"
check_true "it recommends libsodium23 (Argon2) without requiring it" bash -c \
  "dpkg-deb -f '$DEB' Recommends | grep -qw libsodium23 && ! dpkg-deb -f '$DEB' Depends | grep -q sodium"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$DEB" >"$WORK/install.log" 2>&1
check "apt-get install ./pam-mysql-net_*.deb" 0 "$?"
dpkg -L pam-mysql-net >"$WORK/files"
ARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for f in "/lib/$ARCH/security/pam_mysql_net.so" "/usr/lib/$ARCH/pam_mysql_net/pam_mysql_net_core.so" \
         "/usr/lib/$ARCH/pam_mysql_net/pam-mysql-net" "/usr/lib/$ARCH/pam_mysql_net/pam-mysql-net-daemon" /usr/sbin/pam-mysql-net \
         /usr/share/man/man8/pam_mysql_net.8.gz /usr/share/man/man1/pam-mysql-net.1.gz /etc/pam_mysql_net.conf; do
  check_true "installed: $f" test -e "$f"
done
check "the example config is a 0600 conffile" "600 yes" \
  "$(stat -c %a /etc/pam_mysql_net.conf) $(dpkg-query -W -f='${Conffiles}' pam-mysql-net | grep -q /etc/pam_mysql_net.conf && echo yes)"
check_true "/usr/sbin/pam-mysql-net daemon runs the installed daemon (--help)" bash -c \
  "/usr/sbin/pam-mysql-net daemon --help | grep -q 'usage: pam-mysql-net daemon'"
check_true "the core links no .NET runtime library" bash -c "! ldd /usr/lib/$ARCH/pam_mysql_net/pam_mysql_net_core.so | grep -qiE 'coreclr|hostfxr|dotnet'"

echo "# systemd units of the broker daemon"
UNITS=/lib/systemd/system   # Debian 12's unit directory; deb-systemd-helper also reads /usr/lib/...
WANTS=/etc/systemd/system/sockets.target.wants/pam-mysql-net.socket
for u in pam-mysql-net.socket pam-mysql-net.service; do
  check_true "the package owns $UNITS/$u" grep -qx "$UNITS/$u" "$WORK/files"
done
check "the socket is enabled: $WANTS links to the installed unit" "$UNITS/pam-mysql-net.socket" "$(readlink "$WANTS")"
if command -v systemd-analyze >/dev/null; then
  # verify needs no running systemd; it also checks that ExecStart= and the man page exist.
  out=$(systemd-analyze verify "$UNITS/pam-mysql-net.socket" "$UNITS/pam-mysql-net.service" 2>&1)
  check "systemd-analyze verify accepts both units (rc, output)" "0 " "$? $out"
  # In the C locale each line starts with "+" (covered) or "-" (an exposure), not a glyph.
  LC_ALL=C systemd-analyze security --offline=true "$UNITS/pam-mysql-net.service" >"$WORK/security" 2>&1
  # The README's subsection on the units states the score and explains every remaining exposure.
  section=$(sed -n '/^### The broker daemon (systemd units)/,/^## /p' "$REPO/README.md" | sed 's/\\|/|/g')
  documented=$(printf '%s\n' "$section" | sed -n 's/.*exposure level \*\*\([0-9.]*\)\*\*.*/\1/p')
  score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$WORK/security")
  check_true "offline exposure level ${score:-?} is at most the README's ${documented:-?}" \
    awk -v s="$score" -v d="$documented" 'BEGIN { exit !(s != "" && d != "" && s + 0 <= d + 0) }'
  undocumented=$(awk '$1 == "-" { print $2 }' "$WORK/security" | while read -r name; do
    printf '%s\n' "$section" | grep -qF "\`$name\`" || echo "$name"; done)
  check "every remaining exposure is explained in the README" "" "$undocumented"
else
  check_note "SKIP systemd-analyze checks: systemd-analyze is not installed (package systemd)"
fi
# An upgrade keeps an admin's "disable" (the postinst enables only on the first install).
systemctl disable pam-mysql-net.socket >/dev/null 2>&1
dpkg -i "$DEB" >"$WORK/upgrade.log" 2>&1
check "reinstall over itself (the upgrade path of the maintainer scripts)" 0 "$?"
check_true "after disable + upgrade the socket stays disabled" test ! -e "$WANTS"
systemctl enable pam-mysql-net.socket >/dev/null 2>&1
check "enabled again (for the purge checks below)" "$UNITS/pam-mysql-net.socket" "$(readlink "$WANTS")"

echo "# hardening of the installed module (Debian's hardening=+all, FORTIFY_SOURCE=3)"
SHIM=/lib/$ARCH/security/pam_mysql_net.so
check_true "RELRO and BIND_NOW" bash -c "readelf -lW '$SHIM' | grep -q GNU_RELRO && readelf -dW '$SHIM' | grep -q 'FLAGS.*NOW'"
check_true "stack protector (__stack_chk_fail)" bash -c "nm -D '$SHIM' | grep -q __stack_chk_fail"
check_true "FORTIFY_SOURCE (checked memcpy/snprintf)" bash -c "nm -D '$SHIM' | grep -q __memcpy_chk && nm -D '$SHIM' | grep -q __snprintf_chk"
check_true "non-executable stack" bash -c "readelf -lW '$SHIM' | grep GNU_STACK | grep -qv RWE"
# -fcf-protection leaves the IBT/SHSTK property on every object; the linked .so carries it only
# when the toolchain's crt files do too (not on Debian 12: pam_unix.so lacks it as well).
objs=$(find "$REPO/out/CMakeFiles/pam_mysql_net.dir" -name '*.o')
check_true "every shim object is built for CET (IBT, SHSTK)" bash -c \
  "for o in $(echo $objs); do readelf -n \"\$o\" | grep -q 'IBT, SHSTK' || exit 1; done"
check_true "compiled with -fstack-clash-protection, -fcf-protection, -D_FORTIFY_SOURCE=3" bash -c \
  "grep -q -- -fstack-clash-protection '$REPO/out/CMakeFiles/pam_mysql_net.dir/flags.make' && grep -q -- -fcf-protection '$REPO/out/CMakeFiles/pam_mysql_net.dir/flags.make' && grep -q -- -D_FORTIFY_SOURCE=3 '$REPO/out/CMakeFiles/pam_mysql_net.dir/flags.make'"

echo "# the install prefix (security review I12)"
# Without CMAKE_INSTALL_PREFIX the build installs below /usr, so the compiled-in PMN_LIBEXEC_DIR is
# the package's; a prefix the user names is kept.
cached() { sed -n "s|^$2:PATH=||p" "$1/CMakeCache.txt"; }
cmake -S "$REPO" -B "$WORK/cfg-default" -DPMN_BUILD_TEST_HOSTS=OFF >/dev/null 2>&1
check "a plain configure: prefix /usr, PMN_LIBEXEC_DIR /usr/lib/$ARCH/pam_mysql_net" \
  "/usr /usr/lib/$ARCH/pam_mysql_net" "$(cached "$WORK/cfg-default" CMAKE_INSTALL_PREFIX) $(cached "$WORK/cfg-default" PMN_LIBEXEC_DIR)"
cmake -S "$REPO" -B "$WORK/cfg-local" -DPMN_BUILD_TEST_HOSTS=OFF -DCMAKE_INSTALL_PREFIX=/usr/local >/dev/null 2>&1
check "-DCMAKE_INSTALL_PREFIX=/usr/local is kept" "/usr/local /usr/local/lib/pam_mysql_net" \
  "$(cached "$WORK/cfg-local" CMAKE_INSTALL_PREFIX) $(cached "$WORK/cfg-local" PMN_LIBEXEC_DIR)"

echo "# man pages"
for page in 8/pam_mysql_net 1/pam-mysql-net; do
  out=$(MANWIDTH=80 man --warnings -l "/usr/share/man/man${page}.$(basename "${page%%/*}").gz" 2>&1 >/dev/null)
  check "man -l renders man${page%%/*}/${page#*/} without warnings" "" "$out"
done

echo "# the installed module, by its plain name, with .NET hidden"
mdb_start "$WORK/db" || harness_fatal "MariaDB did not start"
mdb_seed_mailbox
mdb_add_user alice@example.test 'S3cret!'
LINE="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 md5=1"
printf 'auth required pam_mysql_net.so %s\naccount required pam_mysql_net.so %s\n' "$LINE" "$LINE" >"/etc/pam.d/$SERVICE"
# In a private mount namespace, every .NET install location is covered by an empty directory.
without_dotnet() {
  unshare --mount --propagation private bash -c '
    for d in /usr/share/dotnet /usr/lib/dotnet /root/.dotnet /opt/dotnet; do
      [ -d "$d" ] && mount -t tmpfs none "$d"
    done
    export PATH=/usr/sbin:/usr/bin:/sbin:/bin
    command -v dotnet >/dev/null && ! dotnet --info >/dev/null 2>&1 || true
    "$@"' _ "$@"
}
check "dotnet is unusable in that environment" 1 "$(without_dotnet bash -c 'dotnet --info >/dev/null 2>&1 && echo 0 || echo 1')"
echo 'S3cret!' | without_dotnet pamtester "$SERVICE" alice@example.test authenticate acct_mgmt >"$WORK/pt.log" 2>&1
check "pamtester: right password through the installed module" 0 "$?"
echo 'wrong' | without_dotnet pamtester "$SERVICE" alice@example.test authenticate >"$WORK/pt.log" 2>&1
check "pamtester: wrong password refused" 1 "$?"
# Under a 64 MiB cap the runtime does not start in pamtester: the installed helper answers, run
# from the descriptor the shim checked (its directory walk covers /usr/lib/$ARCH/pam_mysql_net).
echo 'S3cret!' | without_dotnet prlimit --as=67108864 pamtester "$SERVICE" alice@example.test authenticate >"$WORK/pt.log" 2>&1
check "pamtester: right password through the installed helper" 0 "$?"
printf %s 'S3cret!' | without_dotnet pam-mysql-net verify "$(mdb_sql "SELECT password FROM postfix.mailbox")" >/dev/null 2>&1
check "the installed CLI verifies a stored hash" 0 "$?"

echo "# purge leaves nothing behind"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q pam-mysql-net >"$WORK/purge.log" 2>&1
check "apt-get purge pam-mysql-net" 0 "$?"
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done <"$WORK/files")
check "no installed file is left" "" "$left"
check_true "its private directory is gone" test ! -e "/usr/lib/$ARCH/pam_mysql_net"
check_true "the socket's sockets.target.wants link is gone" test ! -e "$WANTS" -a ! -L "$WANTS"
check "no unit link or deb-systemd-helper state is left" "" \
  "$(find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked -name 'pam-mysql-net*' 2>/dev/null)"

harness_end
