# shellcheck shell=bash
# Process groups of the servers the tests start (saslauthd, Postfix): who is still alive, and the
# end of a stop that asked politely first. Sourced by saslauthd.sh and postfix.sh.
#
#   pgroup_members PGID      -> the pids of the group's live (not zombie) processes, one per line
#   pgroup_reap PGID WHAT    -> waits up to 5 s for the group to be gone; then SIGKILLs it, with
#                               one "# WHAT still running; sending SIGKILL" line

pgroup_members() {
  ps -eo pid=,pgid=,stat= | awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'
}

pgroup_reap() {
  local _
  for _ in $(seq 1 50); do
    [ -z "$(pgroup_members "$1")" ] && return 0
    sleep 0.1
  done
  echo "# $2 still running; sending SIGKILL"
  kill -KILL -- "-$1" 2>/dev/null
  sleep 0.2
}
