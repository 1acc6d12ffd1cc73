#!/usr/bin/env bash
# Builds the Debian package: out/pam-mysql-net_<version>_amd64.deb
#   build/package.sh        (after or instead of a normal build; reuses out/)
# The installed layout: the module in /lib/x86_64-linux-gnu/security, its core and helper in
# /usr/lib/x86_64-linux-gnu/pam_mysql_net, pam-mysql-net in /usr/sbin, man pages, examples, and
# /etc/pam_mysql_net.conf as a conffile; the broker daemon's systemd units in
# /lib/systemd/system (enabled by the maintainer scripts in build/debian/).
set -eu
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
ARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
cmake -S . -B out -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DPMN_LIBEXEC_DIR="/usr/lib/$ARCH/pam_mysql_net" -DPMN_PAM_DIR="/lib/$ARCH/security" >/dev/null
cmake --build out
(cd out && cpack -G DEB >/dev/null)
ls out/pam-mysql-net_*_amd64.deb
