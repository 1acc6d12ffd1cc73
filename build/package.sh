#!/usr/bin/env bash
# Builds the packages (after or instead of a normal build; reuses out/):
#   build/package.sh [deb]   Debian:          out/pam-mysql-net_<version>_amd64.deb
#   build/package.sh rpm     the RHEL family: out/pam-mysql-net-<version>-1.x86_64.rpm
# Debian's layout: the module in /lib/x86_64-linux-gnu/security, its core and helper in
# /usr/lib/x86_64-linux-gnu/pam_mysql_net, the units in /lib/systemd/system (enabled by the
# maintainer scripts in build/debian/). The RHEL family's: /usr/lib64/security,
# /usr/libexec/pam_mysql_net, /usr/lib/systemd/system (scriptlets in build/rpm/). Both: the CLI
# in /usr/sbin, man pages, examples, and /etc/pam_mysql_net.conf (0600) kept when edited.
# The RPM is configured in out/rpm and takes out/'s NativeAOT files (they do not depend on the
# layout, which is compiled into the C shim only); it needs rpmbuild (Debian: apt-get install rpm).
set -eu
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
KIND=${1:-deb}

# configure DIR PAM_DIR LIBEXEC_DIR [cmake args...]: configures DIR for that layout.
configure() {
  local dir=$1 pam=$2 libexec=$3; shift 3
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DPMN_PAM_DIR="$pam" -DPMN_LIBEXEC_DIR="$libexec" "$@" >/dev/null
}

case $KIND in
deb)
  ARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
  configure out "/lib/$ARCH/security" "/usr/lib/$ARCH/pam_mysql_net"
  cmake --build out
  (cd out && cpack -G DEB >/dev/null)
  ls out/pam-mysql-net_*_amd64.deb
  ;;
rpm)
  command -v rpmbuild >/dev/null || { echo "build/package.sh rpm needs rpmbuild (apt-get install rpm)" >&2; exit 1; }
  [ -f out/CMakeCache.txt ] || cmake -S . -B out -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build out --target pmn_daemon   # the core, the CLI and the daemon (each after the other)
  configure out/rpm /usr/lib64/security /usr/libexec/pam_mysql_net \
    -DPMN_MANAGED_DIR="$REPO/out" -DPMN_SYSTEMD_UNIT_DIR=/usr/lib/systemd/system -DPMN_BUILD_TEST_HOSTS=OFF
  cmake --build out/rpm
  rm -f out/rpm/pam-mysql-net-*.rpm
  # Stripped as rpmbuild strips on the RHEL family (the shim; the NativeAOT files already are).
  (cd out/rpm && cpack -G RPM -D CPACK_STRIP_FILES=ON >/dev/null)
  rm -f out/pam-mysql-net-*.x86_64.rpm
  cp out/rpm/pam-mysql-net-*.x86_64.rpm out/
  ls out/pam-mysql-net-*.x86_64.rpm
  ;;
*)
  echo "usage: build/package.sh [deb|rpm]" >&2
  exit 2
  ;;
esac
