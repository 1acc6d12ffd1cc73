# shellcheck shell=bash
# Package installation for the integration scripts (CI runs them as root on a fresh Debian).
# Only installs packages; never starts the system's services. Source this file.
#
#   pkg_need COMMAND PACKAGE ...  -> collects PACKAGE when COMMAND is not found (file path or name)
#   pkg_install_needed            -> installs what was collected through build/install-deps.sh
# Needs REPO (the repository's root).

PKG_NEEDED=()

pkg_need() {
  local what=$1; shift
  case $what in
    /*) [ -e "$what" ] && return 0 ;;
    *) command -v "$what" >/dev/null && return 0 ;;
  esac
  PKG_NEEDED+=("$@")
}

# The one installer is build/install-deps.sh: its debconf answers, no service started by an
# install (policy-rc.d), no Recommends pulled in.
pkg_install_needed() {
  [ ${#PKG_NEEDED[@]} -eq 0 ] && return 0
  echo "# installing ${PKG_NEEDED[*]}"
  bash "$REPO/build/install-deps.sh" "${PKG_NEEDED[@]}" >/dev/null || return 1
  PKG_NEEDED=()
}
