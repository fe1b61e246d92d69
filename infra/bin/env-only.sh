#!/usr/bin/env bash
# Runs a command with only the environment variables it needs: the names given
# (a glob such as 'QUARKUS_*' names many) and what any program expects (PATH,
# HOME, locale, TMPDIR, TZ, USER). The native stack's supervisor passes its
# whole environment, every password of the stack included, to each service; a
# service started through this script keeps only its own. Nothing secret goes
# through argv: names only.
#   env-only.sh NAME... -- COMMAND [ARG...]
set -euo pipefail
keep=(PATH HOME LANG 'LC_*' TMPDIR TZ USER)
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  keep+=("$1")
  shift
done
[ $# -gt 1 ] || { echo "usage: env-only.sh NAME... -- COMMAND [ARG...]" >&2; exit 2; }
shift
kept() {
  local pattern
  for pattern in "${keep[@]}"; do
    # shellcheck disable=SC2053 # a glob on purpose
    [[ $1 == $pattern ]] && return 0
  done
  return 1
}
for name in $(compgen -e); do
  kept "$name" || unset "$name"
done
exec "$@"
