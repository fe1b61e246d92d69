#!/usr/bin/env bash
# A Docker engine and Compose v2 for machines that have none running (like our
# CI). Not needed where Docker Desktop or a system engine already answers.
#   up     install docker.io (apt, as root) when dockerd is missing, start dockerd
#          with its state under the cache, build Docker Compose v2 once from the
#          Go module proxy, import the Debian base image when it is missing,
#          and let image builds trust the host's extra CA certificates (a
#          TLS-intercepting proxy; MDP_EXTRA_CA_CERTS: another folder of *.crt);
#          then print the settings (as `env` does)
#   down   stop the engine this script started (nothing else)
#   env    print the settings for the docker CLI: eval "$(scripts/docker-engine.sh env)"
#   status say whether an engine answers, and whose it is
# Env: MDP_CACHE (default ~/.cache/mdp); MDP_DOCKER_ENGINE=system to never start one.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${MDP_CACHE:-$HOME/.cache/mdp}
RUN_DIR=$CACHE/docker-run   # socket, pid file, log: short paths (a unix socket path has a length limit)
SOCK=$RUN_DIR/docker.sock
PIDFILE=$RUN_DIR/dockerd.pid
LOG=$RUN_DIR/dockerd.log
CONFIG_DIR=$CACHE/docker-config   # DOCKER_CONFIG: holds the compose plugin we build
pin() { sed -n "s/^$1=//p" infra/versions.env; }
BASE_IMAGE=$(pin DOCKER_BASE_IMAGE)

say() { echo "docker-engine: $*" >&2; }
die() { say "$*"; exit 1; }

usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; }

our_engine_running() { [ -S "$SOCK" ] && DOCKER_HOST=unix://$SOCK docker info >/dev/null 2>&1; }
# An engine that answers without us: DOCKER_HOST as set, or the default socket.
other_engine_running() { [ "${DOCKER_HOST:-}" != "unix://$SOCK" ] && docker info >/dev/null 2>&1; }

compose_plugin() {
  if [ "${MDP_DOCKER_ENGINE:-}" = system ] || docker compose version >/dev/null 2>&1; then return; fi
  local bin
  bin=$(bash scripts/validate-compose.sh --build-only)
  mkdir -p "$CONFIG_DIR/cli-plugins"
  ln -sf "$bin" "$CONFIG_DIR/cli-plugins/docker-compose"
}

print_env() {
  if our_engine_running; then echo "export DOCKER_HOST=unix://$SOCK"; fi
  if [ -x "$CONFIG_DIR/cli-plugins/docker-compose" ]; then echo "export DOCKER_CONFIG=$CONFIG_DIR"; fi
}

install_engine() {
  command -v dockerd >/dev/null && command -v debootstrap >/dev/null && return
  [ "$(id -u)" -eq 0 ] || die "dockerd is not installed and this is not root: install Docker (apt-get install docker.io), or run as root"
  say "installing docker.io and debootstrap from apt (once, ~30 s)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io debootstrap >"$RUN_DIR/apt.log" 2>&1 ||
    die "apt-get install docker.io debootstrap failed: see $RUN_DIR/apt.log"
}

start_engine() {
  [ "$(id -u)" -eq 0 ] || die "starting dockerd needs root (or a running engine: Docker Desktop, systemctl start docker)"
  say "starting dockerd (state in $CACHE/docker, log $LOG)"
  # setsid: the engine outlives this script and the shell that ran it
  setsid dockerd --data-root "$CACHE/docker" --exec-root "$RUN_DIR/exec" \
    --host "unix://$SOCK" --pidfile "$PIDFILE" >"$LOG" 2>&1 </dev/null &
  local deadline=$((SECONDS + 120))
  until our_engine_running; do
    kill -0 "$!" 2>/dev/null || die "dockerd exited at start: see $LOG"
    [ $SECONDS -lt $deadline ] || die "dockerd did not answer within 120 s: see $LOG"
    sleep 0.5
  done
}

# The one external image of our Dockerfiles. A machine with a registry pulls it;
# without one it is made from the apt mirror with debootstrap, under the same name.
import_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then return; fi
  if timeout 60 docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then return; fi
  local mirror suite=bookworm root
  mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  [ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(http[^ ]*debian\)\/* .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d "$CACHE/debootstrap.XXXXXX")
  say "no registry answers for $BASE_IMAGE: building it with debootstrap from $mirror (once, ~1 min)"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$RUN_DIR/debootstrap.log" 2>&1 ||
    die "debootstrap failed: see $RUN_DIR/debootstrap.log"
  # the apt sources of the real image: the suite, its updates and security
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
}

# Image builds trust the CA certificates in infra/compose/ca-certificates/ (a
# TLS-intercepting proxy's): the host's locally added ones, by Debian's convention
# in /usr/local/share/ca-certificates, or those of MDP_EXTRA_CA_CERTS (a folder).
copy_extra_ca_certs() {
  local from=${MDP_EXTRA_CA_CERTS:-/usr/local/share/ca-certificates}
  compgen -G "$from/*.crt" >/dev/null || return 0
  cp "$from"/*.crt infra/compose/ca-certificates/
  say "image builds will trust the CA certificates of $from"
}

up() {
  mkdir -p "$RUN_DIR"
  if other_engine_running; then
    say "an engine already answers (DOCKER_HOST=${DOCKER_HOST:-default}): using it"
  elif [ "${MDP_DOCKER_ENGINE:-}" = system ]; then
    die "MDP_DOCKER_ENGINE=system, and no engine answers: start Docker (systemctl start docker, or Docker Desktop)"
  elif ! our_engine_running; then
    install_engine
    start_engine
  fi
  eval "$(print_env)"
  import_base_image
  copy_extra_ca_certs
  compose_plugin
  print_env
}

down() {
  if ! [ -f "$PIDFILE" ]; then
    say "no engine of ours is running (nothing to stop)"
    return
  fi
  local pid
  pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null; do
      [ $SECONDS -lt $deadline ] || { say "dockerd did not stop within 60 s: SIGKILL"; kill -KILL "$pid"; }
      sleep 0.5
    done
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) print_env ;;
  status)
    if our_engine_running; then echo "ours: dockerd pid $(cat "$PIDFILE"), DOCKER_HOST=unix://$SOCK"
    elif other_engine_running; then echo "another engine answers (DOCKER_HOST=${DOCKER_HOST:-default})"
    else echo "no engine answers"; exit 3; fi ;;
  -h | --help) usage ;;
  *) say "unknown command '${1:-}': use up, down, env or status"; usage >&2; exit 2 ;;
esac
