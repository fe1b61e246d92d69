#!/usr/bin/env bash
# Prints the path of a Chromium the console's browser test can drive headless:
# MDP_CHROMIUM if set, else Debian's `chromium` package, installed from apt
# once (as root) when missing. Never a browser build downloaded from a website.
set -euo pipefail
die() { echo "chromium: $*" >&2; exit 1; }

if [ -n "${MDP_CHROMIUM:-}" ]; then
  [ -x "$MDP_CHROMIUM" ] || die "MDP_CHROMIUM=$MDP_CHROMIUM is not an executable"
  echo "$MDP_CHROMIUM"
  exit 0
fi
for name in chromium chromium-browser; do
  if command -v "$name" >/dev/null; then command -v "$name"; exit 0; fi
done
[ "$(id -u)" -eq 0 ] || die "Chromium is not installed and this is not root: apt-get install chromium (or set MDP_CHROMIUM)"
log=$(mktemp -t mdp-chromium-apt.XXXXXX.log)
echo "chromium: installing Debian's chromium from apt (once, ~1 min; log $log)" >&2
{ DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium ||
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }
} >"$log" 2>&1 || die "apt-get install chromium failed: see $log"
command -v chromium
