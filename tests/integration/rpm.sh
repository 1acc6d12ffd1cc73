#!/usr/bin/env bash
# The RPM for the RHEL family (RHEL, Rocky, Alma, Fedora), checked on Debian with Debian's rpm
# tools, and the SELinux policy module, built with Debian's refpolicy development files:
#  - build/package.sh rpm builds it; rpm -qip/-qp show its header, Requires (no .NET), files,
#    modes, owners and the config file as %config(noreplace) 0600;
#  - it installs on glibc 2.34 (RHEL, Rocky and Alma 9): no GLIBC_ABI_DT_RELR and no GLIBC_2.35
#    or later among the Requires, and none of its ELF files has packed relocations or needs a
#    later version; out/'s files (the .deb's) keep DT_RELR, and the .deb declares glibc 2.36;
#  - rpmlint -c build/rpm/rpmlint.toml: no error and no warning (what that file filters is
#    explained there, and each filter must still be needed);
#  - rpm --root SCRATCH --nodeps -i: the files land where the RHEL family's libpam, systemd and
#    man look; the installed shim has /usr/libexec/pam_mysql_net compiled in, and with that
#    directory mounted there (private mount namespace) it logs in through Debian's libpam,
#    in-process and through the installed helper; the installed CLI runs the installed daemon;
#  - the scriptlets call systemctl as %systemd_post/preun/postun would (a stub records it);
#  - build/selinux/pam_mysql_net.{te,fc,if} compiles to a .pp without a warning, allows what
#    the README says for saslauthd_t, sshd_t, dovecot_auth_t and ftpd_t, and labels every file
#    of the RPM that it names.
#  - crypt(3) formats work with libcrypt.so.2 alone (the RHEL family's libxcrypt).
# Nothing is installed system-wide but Debian packages (rpm, rpmlint, checkpolicy,
# selinux-policy-dev, semodule-utils); everything else lives in a temp directory.
#   bash tests/integration/rpm.sh      (as root)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/check.sh"
source "$REPO/tests/lib/pkg.sh"
source "$REPO/tests/lib/mariadb.sh"

WORK=$(mktemp -d /tmp/pmn-rpm.XXXXXX)
cleanup() {
  mdb_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pkg_need rpmbuild rpm
pkg_need rpmlint rpmlint
pkg_need checkmodule checkpolicy
pkg_need /usr/share/selinux/devel/Makefile selinux-policy-dev
pkg_need semodule_unpackage semodule-utils
pkg_need mkpasswd whois
pkg_install_needed || { echo "cannot install rpm, rpmlint, checkpolicy, selinux-policy-dev"; echo "0 passed, 1 failed"; exit 1; }

LIBEXEC=/usr/libexec/pam_mysql_net
PAMDIR=/usr/lib64/security
UNITS=/usr/lib/systemd/system

echo "# build"
bash "$REPO/build/package.sh" rpm >"$WORK/package.log" 2>&1
check "build/package.sh rpm builds the RPM" 0 "$?"
RPM=$(ls "$REPO"/out/pam-mysql-net-*.x86_64.rpm 2>/dev/null | head -n 1)
check_true "it is out/pam-mysql-net-<version>-1.x86_64.rpm" test -f "$RPM"
[ -f "$RPM" ] || { tail -n 20 "$WORK/package.log"; check_summary; exit 1; }
version=$(sed -n 's/^project(pam_mysql_net VERSION \([0-9.]*\).*/\1/p' "$REPO/CMakeLists.txt")

echo "# header (rpm -qip)"
rpm -qip "$RPM" >"$WORK/info" 2>&1
field() { sed -n "s/^$1 *: \(.*\)/\1/p" "$WORK/info" | sed 's/ *$//'; }
check "Name, Version, Release, Architecture" "pam-mysql-net $version 1 x86_64" \
  "$(field Name) $(field Version) $(field Release) $(field Architecture)"
check "not relocatable: no Prefixes (libpam, systemd and man look in fixed places)" "(none)" \
  "$(rpm -qp --qf '%{PREFIXES}' "$RPM" 2>/dev/null)"
check_true "the description says no .NET runtime is needed" bash -c "tr '\n' ' ' <'$WORK/info' | grep -q 'no .NET runtime is needed'"

echo "# Requires: pam, openssl-libs, libxcrypt, no .NET"
rpm -qp --requires "$RPM" 2>/dev/null | sed 's/ *$//' >"$WORK/requires"
for dep in pam "openssl-libs >= 1:3.0" libxcrypt "libpam.so.0(LIBPAM_1.0)(64bit)" "libc.so.6(GLIBC_2.34)(64bit)"; do
  check_true "Requires: $dep" grep -qxF "$dep" "$WORK/requires"
done
check_true "libsodium (Argon2; EPEL only) is not a Requires" bash -c "! grep -q sodium '$WORK/requires'"
# RHEL, Rocky and Alma 9 have glibc 2.34: glibc 2.36's DT_RELR (build/package.sh rpm builds
# with -DPMN_DT_RELR=OFF) or a later symbol version would make dnf refuse the package there.
check "no GLIBC_ABI_DT_RELR among the Requires (packed relocations need glibc 2.36)" "" \
  "$(grep GLIBC_ABI_DT_RELR "$WORK/requires")"
check "no GLIBC_2.35 or later among the Requires (RHEL 9: glibc 2.34)" "" \
  "$({ grep -oE 'GLIBC_2\.[0-9.]+' "$WORK/requires"; echo GLIBC_2.34; } | sort -uV | sed '0,/^GLIBC_2\.34$/d')"
check "no .NET, no C++ runtime, no ICU among the Requires" "" \
  "$(grep -iE 'dotnet|coreclr|hostfxr|libstdc|icu|aspnet' "$WORK/requires")"
check "the sonames required are glibc's and libpam's only" "" \
  "$(grep -E '\.so' "$WORK/requires" | grep -vE '^(libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2|libpam\.so\.0)\(')"
rpm -qp --provides "$RPM" >"$WORK/provides" 2>/dev/null
check "no soname of the module, the core or the helper is provided" "" "$(grep '\.so' "$WORK/provides")"

echo "# files, modes, owners (rpm -qp --dump)"
# --dump: path size mtime digest mode owner group isconfig isdoc rdev symlink
rpm -qp --dump "$RPM" >"$WORK/dump" 2>/dev/null
entry() { awk -v p="$1" '$1 == p { print $5, $6, $7, $8, ($11 == "X" ? "" : $11) }' "$WORK/dump" | sed 's/ *$//'; }
check "$PAMDIR/pam_mysql_net.so 0644 root" "0100644 root root 0" "$(entry $PAMDIR/pam_mysql_net.so)"
check "$LIBEXEC/pam_mysql_net_core.so 0644 root" "0100644 root root 0" "$(entry $LIBEXEC/pam_mysql_net_core.so)"
check "$LIBEXEC/pam-mysql-net 0755 root" "0100755 root root 0" "$(entry $LIBEXEC/pam-mysql-net)"
check "$LIBEXEC/pam-mysql-net-daemon 0755 root" "0100755 root root 0" "$(entry $LIBEXEC/pam-mysql-net-daemon)"
check "$LIBEXEC/ 0755 root" "040755 root root 0" "$(entry $LIBEXEC)"
check "/usr/sbin/pam-mysql-net: a relative link to the helper" \
  "0120777 root root 0 ../libexec/pam_mysql_net/pam-mysql-net" "$(entry /usr/sbin/pam-mysql-net)"
check "/etc/pam_mysql_net.conf 0600 root, a config file" "0100600 root root 1" "$(entry /etc/pam_mysql_net.conf)"
for u in pam-mysql-net.service pam-mysql-net.socket; do
  check "$UNITS/$u 0644 root" "0100644 root root 0" "$(entry $UNITS/$u)"
done
for page in man8/pam_mysql_net.8.gz man1/pam-mysql-net.1.gz; do
  check_true "/usr/share/man/$page" grep -q "^/usr/share/man/$page " "$WORK/dump"
done
for ex in rhel.md postfix-saslauthd.md dovecot.md sshd.md pam_mysql_net.conf; do
  check_true "example /usr/share/doc/pam-mysql-net/examples/$ex" \
    grep -q "^/usr/share/doc/pam-mysql-net/examples/$ex " "$WORK/dump"
done
for f in pam_mysql_net.te pam_mysql_net.fc pam_mysql_net.if; do
  check_true "SELinux policy source /usr/share/doc/pam-mysql-net/selinux/$f" \
    grep -q "^/usr/share/doc/pam-mysql-net/selinux/$f " "$WORK/dump"
done
check "every file is root:root" "" "$(awk '$6 != "root" || $7 != "root"' "$WORK/dump")"
rpm -qp --qf '[%{FILEFLAGS:fflags}|%{FILENAMES}\n]' "$RPM" 2>/dev/null | awk -F'|' '$1 ~ /c/ { print $1, $2 }' >"$WORK/config"
check "the only config file is /etc/pam_mysql_net.conf, %config(noreplace)" "cn /etc/pam_mysql_net.conf" "$(cat "$WORK/config")"
# Directories the system owns (filesystem, pam, systemd, man-db) are not the package's.
owned=$(awk '$5 ~ /^040/ { print $1 }' "$WORK/dump" | grep -vE "^($LIBEXEC|/usr/share/doc/pam-mysql-net(/examples|/selinux)?|/usr/lib/\.build-id(/..)?)$")
check "the package owns no system directory" "" "$owned"

echo "# scriptlets (what %systemd_post, %systemd_preun, %systemd_postun_with_restart do)"
printf '#!/bin/sh\necho "$*" >>%s/systemctl.log\n' "$WORK" >"$WORK/systemctl"
chmod 755 "$WORK/systemctl"
# scriptlet TAG ARG: runs the package's %TAG scriptlet with $1=ARG, /usr/bin/systemctl a stub
# (bind-mounted in a private mount namespace); prints what it was called with.
scriptlet() {
  rpm -qp --qf "%{$1}" "$RPM" 2>/dev/null >"$WORK/script.$1"
  : >"$WORK/systemctl.log"
  unshare --mount --propagation private sh -c \
    'mount --bind "$1" /usr/bin/systemctl && sh "$2" "$3"' _ "$WORK/systemctl" "$WORK/script.$1" "$2" >/dev/null 2>&1
  echo "$? $(cat "$WORK/systemctl.log")" | sed 's/ *$//'
}
check "first install: the socket takes the system's preset" "0 --no-reload preset pam-mysql-net.socket" "$(scriptlet POSTIN 1)"
check "upgrade (%post 2): the admin's choice stays" "0" "$(scriptlet POSTIN 2)"
check "erase (%preun 0): socket and daemon disabled and stopped" \
  "0 --no-reload disable --now pam-mysql-net.socket pam-mysql-net.service" "$(scriptlet PREUN 0)"
check "upgrade (%preun 1): nothing stopped" "0" "$(scriptlet PREUN 1)"
check "upgrade (%postun 1): a running daemon restarted" "0 try-restart pam-mysql-net.service" "$(scriptlet POSTUN 1)"
check "erase (%postun 0): nothing restarted" "0" "$(scriptlet POSTUN 0)"
chmod 644 "$WORK/systemctl"   # no systemctl to run (a chroot, an image build): nothing fails
check "without systemctl: %post, %preun and %postun do nothing and succeed" "0 0 0" \
  "$(scriptlet POSTIN 1) $(scriptlet PREUN 0) $(scriptlet POSTUN 1)"

echo "# rpmlint"
rpmlint -c "$REPO/build/rpm/rpmlint.toml" "$RPM" >"$WORK/rpmlint" 2>&1
summary=$(grep -E 'packages and .* checked' "$WORK/rpmlint" | sed 's/.*checked; \([0-9]* errors, [0-9]* warnings\).*/\1/')
check "rpmlint -c build/rpm/rpmlint.toml: no error, no warning" "0 errors, 0 warnings" "$summary"
[ "$summary" = "0 errors, 0 warnings" ] || grep -E ': [EW]: ' "$WORK/rpmlint"
# Each filter must still match a message of the unfiltered run: a filter nothing needs goes.
rpmlint "$RPM" >"$WORK/rpmlint.all" 2>&1
stale=$(sed -n "/^Filters = \[/,/^\]/s/^ *'\(.*\)',*$/\1/p" "$REPO/build/rpm/rpmlint.toml" | while read -r f; do
  grep -qE "$f" "$WORK/rpmlint.all" || echo "$f"; done)
check_true "rpmlint.toml has filters" grep -q "^Filters = \[" "$REPO/build/rpm/rpmlint.toml"
check "every filter in rpmlint.toml still matches a message" "" "$stale"

echo "# install into a scratch root: rpm --root DIR --nodeps -i"
# rpm runs the scriptlets chrooted in DIR: a /bin/sh (Debian's dash and the libraries it needs)
# lets them run there, in a root without systemctl as in a container image build.
ROOT=$WORK/root
mkdir -p "$ROOT/bin"
cp /bin/dash "$ROOT/bin/sh"
for lib in $(ldd /bin/dash | grep -oE '/[^ ]+'); do
  mkdir -p "$ROOT$(dirname "$lib")" && cp "$lib" "$ROOT$lib"
done
rpm --root "$ROOT" --initdb >/dev/null 2>&1
# --force-debian: Debian's rpm otherwise prints that it should not install packages.
rpm --force-debian --root "$ROOT" --nodeps -i "$RPM" >"$WORK/install.log" 2>&1
check "rpm --root DIR --nodeps -i, scriptlets included (rc, output)" "0 " "$? $(cat "$WORK/install.log")"
check "rpm --root DIR -q knows the package" "pam-mysql-net-$version-1.x86_64" "$(rpm --root "$ROOT" -q pam-mysql-net 2>&1)"
for f in $PAMDIR/pam_mysql_net.so $LIBEXEC/pam_mysql_net_core.so $LIBEXEC/pam-mysql-net $LIBEXEC/pam-mysql-net-daemon \
         /usr/sbin/pam-mysql-net $UNITS/pam-mysql-net.service $UNITS/pam-mysql-net.socket \
         /usr/share/man/man8/pam_mysql_net.8.gz /usr/share/man/man1/pam-mysql-net.1.gz /etc/pam_mysql_net.conf; do
  check_true "installed: $f" test -e "$ROOT$f"
done
check "installed /etc/pam_mysql_net.conf: 0600 root:root" "600 root:root" "$(stat -c '%a %U:%G' "$ROOT/etc/pam_mysql_net.conf")"
check "rpm --root DIR -V --nodeps: the installed files are as packaged" "" "$(rpm --root "$ROOT" -V --nodeps pam-mysql-net 2>&1)"
# The shim looks for its core and helper in PMN_LIBEXEC_DIR, compiled in.
check "the installed shim has $LIBEXEC compiled in (and not Debian's directory)" "$LIBEXEC" \
  "$(strings "$ROOT$PAMDIR/pam_mysql_net.so" | grep -E '^/usr/(libexec|lib/)[^ ]*pam_mysql_net$')"
check_true "the unit runs /usr/sbin/pam-mysql-net daemon" grep -qx "ExecStart=/usr/sbin/pam-mysql-net daemon" "$ROOT$UNITS/pam-mysql-net.service"
check_true "ExecStart's /usr/sbin/pam-mysql-net is executable in the scratch root" test -x "$ROOT/usr/sbin/pam-mysql-net"
# The units are the ones tests/integration/package.sh verifies (systemd-analyze) in the .deb.
check_true "the socket unit is build/systemd's" cmp -s "$ROOT$UNITS/pam-mysql-net.socket" "$REPO/build/systemd/pam-mysql-net.socket"
check_true "the service unit is build/systemd's" cmp -s "$ROOT$UNITS/pam-mysql-net.service" "$REPO/build/systemd/pam-mysql-net.service"
if command -v systemd-analyze >/dev/null; then
  check_true "systemd looks for system units in $UNITS (systemd-analyze unit-paths)" \
    bash -c "systemd-analyze unit-paths | grep -qx '$UNITS'"
fi
# man(1) finds the pages below the scratch root's /usr/share/man, as it looks on the RHEL family.
check "man -M ROOT/usr/share/man -w 8 pam_mysql_net" "$ROOT/usr/share/man/man8/pam_mysql_net.8.gz" \
  "$(man -M "$ROOT/usr/share/man" -w 8 pam_mysql_net 2>&1)"
out=$(MANWIDTH=80 man --warnings -l "$ROOT/usr/share/man/man1/pam-mysql-net.1.gz" 2>&1 >/dev/null)
check "man -l renders the installed pam-mysql-net(1) without warnings" "" "$out"
check_true "ROOT/usr/sbin/pam-mysql-net runs (--help)" bash -c "'$ROOT/usr/sbin/pam-mysql-net' --help 2>&1 | grep -qi usage"
# The CLI executes pam-mysql-net-daemon from its own directory: the RPM's.
check_true "ROOT/usr/sbin/pam-mysql-net daemon runs the installed daemon (--help)" bash -c \
  "'$ROOT/usr/sbin/pam-mysql-net' daemon --help | grep -q 'usage: pam-mysql-net daemon'"

echo "# glibc: the RPM's ELF files for 2.34, out/'s (the .deb's) with DT_RELR for 2.36"
# glibc_needs FILE: 'FILE RELR-or-none highest-GLIBC_2.x DT_RELR-version-or-none', from its
# dynamic section and version needs (what rpm's and dpkg's dependency scans read).
glibc_needs() {
  local relr=none top dtrelr=none
  readelf -dW "$1" | grep -q '(RELR)' && relr=RELR
  top=$(readelf -VW "$1" | grep -oE 'Name: GLIBC_2\.[0-9.]+' | sed 's/Name: //' | sort -uV | tail -n 1)
  readelf -VW "$1" | grep -q 'Name: GLIBC_ABI_DT_RELR' && dtrelr=GLIBC_ABI_DT_RELR
  echo "$(basename "$1") $relr $top $dtrelr"
}
for f in $PAMDIR/pam_mysql_net.so $LIBEXEC/pam_mysql_net_core.so $LIBEXEC/pam-mysql-net $LIBEXEC/pam-mysql-net-daemon; do
  check "the RPM's $(basename "$f"): no packed relocations, glibc 2.34" "$(basename "$f") none GLIBC_2.34 none" \
    "$(glibc_needs "$ROOT$f")"
done
# The Debian build keeps -z pack-relative-relocs (PMN_DT_RELR's default): -2 MB RSS in each host.
OUTDIR=$REPO/out
[ -f "$OUTDIR/CMakeCache.txt" ] || cmake -S "$REPO" -B "$OUTDIR" -DCMAKE_BUILD_TYPE=Release >/dev/null 2>&1
cmake --build "$OUTDIR" --target pmn_daemon pmn_pam_host >"$WORK/out-build.log" 2>&1
check "cmake --build out (the .deb's NativeAOT files)" 0 "$?"
for f in pam_mysql_net_core.so pam-mysql-net pam-mysql-net-daemon; do
  check "out/$f (the .deb's): packed relocations, GLIBC_ABI_DT_RELR" "$f RELR GLIBC_2.34 GLIBC_ABI_DT_RELR" \
    "$(glibc_needs "$OUTDIR/$f")"
done
check_true "the .deb declares libc6 (>= 2.36) for them (out/CPackConfig.cmake)" \
  grep -qF 'set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.36), ' "$OUTDIR/CPackConfig.cmake"

echo "# crypt(3) formats with the RHEL family's libxcrypt: libcrypt.so.2 and no libcrypt.so.1"
# libxcrypt-compat (libcrypt.so.1) is not among the Requires: the core falls back to .so.2. Here
# Debian's libcrypt.so.1 is covered by an empty file (private mount namespace), and a copy of it
# named libcrypt.so.2 stands in for the RHEL family's.
YESCRYPT=$(mkpasswd -m yescrypt 'S3cret!')
CRYPT1=$(readlink -f "$(ldconfig -p | awk '/libcrypt\.so\.1 .*x86-64/ { print $NF; exit }')")
mkdir -p "$WORK/so2" && cp "$CRYPT1" "$WORK/so2/libcrypt.so.2" && : >"$WORK/empty"
without_crypt1() {
  unshare --mount --propagation private bash -c 'mount --bind "$1" "$2" || exit 99; shift 2; "$@"' \
    _ "$WORK/empty" "$CRYPT1" "$@"
}
printf %s 'S3cret!' | without_crypt1 env LD_LIBRARY_PATH="$WORK/so2" "$ROOT/usr/sbin/pam-mysql-net" verify "$YESCRYPT" >"$WORK/so2.log" 2>&1
check "the installed CLI verifies a yescrypt hash through libcrypt.so.2" "0 match" "$? $(cat "$WORK/so2.log")"
printf %s 'S3cret!' | without_crypt1 "$ROOT/usr/sbin/pam-mysql-net" verify "$YESCRYPT" >"$WORK/so2.log" 2>&1
check_true "with neither library it says which it looked for (the cover works)" \
  grep -q "none of libcrypt.so.1, libcrypt.so.2 can be loaded" "$WORK/so2.log"

echo "# the installed module logs in, with $LIBEXEC from the scratch root"
HOST=$OUTDIR/pmn_pam_host
if mdb_start "$WORK/db"; then
  mdb_seed_mailbox
  mdb_add_user alice@example.test 'S3cret!'
  mkdir -p "$WORK/pam.d"
  LINE="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 md5=1 broker=off"
  printf 'auth required %s %s\n' "$ROOT$PAMDIR/pam_mysql_net.so" "$LINE" >"$WORK/pam.d/rpm"
  # as_rhel CMD...: in a private mount namespace /usr/libexec (an empty root-only tmpfs) holds the
  # scratch root's pam_mysql_net directory, bound where the shim looks.
  as_rhel() {
    unshare --mount --propagation private bash -c '
      mount -t tmpfs -o mode=0755 none /usr/libexec && mkdir -m 0755 /usr/libexec/pam_mysql_net &&
      mount --bind "$1/usr/libexec/pam_mysql_net" /usr/libexec/pam_mysql_net || exit 99
      shift; "$@"' _ "$ROOT" "$@"
  }
  as_rhel "$HOST" "$WORK/pam.d" rpm alice@example.test 'S3cret!' 0 auth >"$WORK/login.log" 2>&1
  check "right password, in-process: PAM_SUCCESS" 0 "$?"
  as_rhel "$HOST" "$WORK/pam.d" rpm alice@example.test 'wrong' 7 auth >"$WORK/login.log" 2>&1
  check "wrong password: PAM_AUTH_ERR" 0 "$?"
  # Under a 72 MiB cap the runtime does not start in the host (it wants 120 MiB free): the
  # installed helper answers. Its relocations are not packed: it needs ~66 MiB, the .deb's ~64.
  as_rhel prlimit --as=75497472 "$HOST" "$WORK/pam.d" rpm alice@example.test 'S3cret!' 0 auth >"$WORK/login.log" 2>&1
  check "right password through the installed helper (72 MiB cap)" 0 "$?"
  "$HOST" "$WORK/pam.d" rpm alice@example.test 'S3cret!' 0 auth >"$WORK/login.log" 2>&1
  check "without $LIBEXEC the installed module refuses (it found no core)" 1 "$?"
else
  check "a throwaway MariaDB starts" 0 1
fi

echo "# SELinux policy module (Debian's refpolicy development files)"
SE=$WORK/selinux
mkdir -p "$SE"
cp "$REPO"/build/selinux/pam_mysql_net.te "$REPO"/build/selinux/pam_mysql_net.fc "$REPO"/build/selinux/pam_mysql_net.if "$SE/"
make -C "$SE" -f /usr/share/selinux/devel/Makefile pam_mysql_net.pp >"$WORK/selinux.log" 2>&1
check "make -f /usr/share/selinux/devel/Makefile pam_mysql_net.pp" 0 "$?"
check "it compiles without a warning or an error" "" "$(grep -iE 'warning|error' "$WORK/selinux.log")"
check_true "pam_mysql_net.pp is a policy package (semodule_unpackage)" \
  semodule_unpackage "$SE/pam_mysql_net.pp" "$SE/out.mod" "$SE/out.fc"
check "the package carries the file contexts" "$(grep -v '^#' "$SE/pam_mysql_net.fc" | grep -c .)" \
  "$(grep -v '^#' "$SE/out.fc" 2>/dev/null | grep -c .)"
POL=$SE/tmp/pam_mysql_net.tmp   # the policy as m4 expanded it, which checkmodule compiled
for d in saslauthd_t sshd_t dovecot_auth_t ftpd_t; do
  rules=$(grep -E "^\s*allow $d " "$POL")
  has() { grep -qE "$1" <<<"$rules"; }
  check_true "$d maps and executes the core" has "pam_mysql_net_lib_t:file \{.*map.*execute"
  check_true "$d runs the helper in its own domain" has "pam_mysql_net_exec_t:file \{.*execute_no_trans"
  check_true "$d reads the config file" has "pam_mysql_net_conf_t:file \{.*read"
  check_true "$d connects to mysqld_port_t" has "mysqld_port_t:tcp_socket (\{.*)?name_connect"
  check_true "$d connects to mysqld's socket" has "mysqld_t:unix_stream_socket (\{.*)?connectto"
  check_true "$d connects to the daemon's socket" has "pam_mysql_net_t:unix_stream_socket (\{.*)?connectto"
  check "$d: nothing to write of ours, no execmem" "" "$(grep -E 'pam_mysql_net_(lib|exec|conf|daemon_exec)_t:file \{[^}]*(write|append|unlink)|execmem' <<<"$rules")"
done
check_true "systemd starts the daemon in pam_mysql_net_t from /usr/sbin/pam-mysql-net" \
  grep -qE "type_transition init_t pam_mysql_net_exec_t:process pam_mysql_net_t" "$POL"
check "the daemon domain has no capability, no execmem" "" \
  "$(grep -E '^\s*allow pam_mysql_net_t self:(capability|cap_userns)|^\s*allow pam_mysql_net_t .*execmem' "$POL")"
check "the config file: only read, by the hosts and the daemon" "" \
  "$(grep -E '^\s*allow [a-z_]+ pam_mysql_net_conf_t:file' "$POL" | grep -vE '^\s*allow (saslauthd_t|sshd_t|dovecot_auth_t|ftpd_t|pam_mysql_net_t) ' )"
# label PATH: the type the .fc gives PATH (the last matching line, as setfiles reads them).
label() {
  python3 - "$SE/pam_mysql_net.fc" "$1" <<'PY'
import re, sys
found = ""
for line in open(sys.argv[1]):
    parts = line.split()
    if not parts or parts[0].startswith("#"):
        continue
    if re.fullmatch(parts[0], sys.argv[2]):
        found = re.search(r"object_r:([a-z0-9_]+)", parts[-1]).group(1)
print(found)
PY
}
for pair in "$LIBEXEC/pam_mysql_net_core.so pam_mysql_net_lib_t" "$LIBEXEC/pam-mysql-net pam_mysql_net_exec_t" \
            "$LIBEXEC/pam-mysql-net-daemon pam_mysql_net_daemon_exec_t" "/etc/pam_mysql_net.conf pam_mysql_net_conf_t" \
            "/etc/pam_mysql_net.conf.rpmnew pam_mysql_net_conf_t" "/run/pam_mysql_net/socket pam_mysql_net_runtime_t"; do
  set -- $pair
  check "the .fc labels $1 $2" "$2" "$(label "$1")"
done
check "the .fc leaves the module in the PAM directory to lib_t" "" "$(label $PAMDIR/pam_mysql_net.so)"
# Every file the .fc names for the RHEL layout is one the RPM installs.
stale=$(grep -oE '^/usr/libexec/[^[:space:]]+' "$SE/pam_mysql_net.fc" | sed 's/\\\././g' | while read -r p; do
  grep -q "^$p " "$WORK/dump" || echo "$p"; done)
check "every /usr/libexec path of the .fc is in the RPM" "" "$stale"

check_summary
