# shellcheck shell=bash
# Package installation for the integration scripts (CI runs them as root on a fresh Debian).
# Only installs packages; never starts the system's services. Source this file.
#
#   pkg_need COMMAND PACKAGE ...  -> collects PACKAGE when COMMAND is not found (file path or name)
#   pkg_install_needed            -> apt-get installs what was collected (apt-get update once if
#                                    the package lists are missing or stale)

PKG_NEEDED=()

pkg_need() {
  local what=$1; shift
  case $what in
    /*) [ -e "$what" ] && return 0 ;;
    *) command -v "$what" >/dev/null && return 0 ;;
  esac
  PKG_NEEDED+=("$@")
}

pkg_install_needed() {
  [ ${#PKG_NEEDED[@]} -eq 0 ] && return 0
  echo "# installing ${PKG_NEEDED[*]}"
  # postfix asks for its mailer type through debconf: the same answers as build/install-deps.sh.
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string localhost" | debconf-set-selections
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${PKG_NEEDED[@]}")
  "${apt[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && "${apt[@]}" >/dev/null; } || return 1
  PKG_NEEDED=()
}
