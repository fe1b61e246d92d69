#!/usr/bin/env bash
# Readiness probe of Kafka, for both ways to run the stack (process-compose's
# readiness_probe, compose's healthcheck): a real ApiVersions request (v0, the
# one request a SASL listener answers before authentication) over bash's
# /dev/tcp; ready when the broker answers it without error, which it does only
# once it serves requests. No JVM or Node to start, so it costs nothing when run
# every second or two.
#   kafka-ready.sh [HOST] [PORT]
set -uo pipefail
host=${1:-127.0.0.1} port=${2:-9092}
fail() { echo "kafka not ready at $host:$port: $*" >&2; exit 1; }
{ exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || fail "connection refused"
# size 13 | api_key 18 (ApiVersions) | version 0 | correlation id 1 | client id "mdp"
printf '\x00\x00\x00\x0d\x00\x12\x00\x00\x00\x00\x00\x01\x00\x03mdp' >&3
# size, correlation id, error code: the first 10 bytes
read -r -a bytes < <(timeout 3 head -c 10 <&3 | od -An -v -tu1 | tr '\n' ' ')
exec 3<&-
[ "${#bytes[@]}" -eq 10 ] || fail "no answer within 3 s"
[ "${bytes[7]}" -eq 1 ] || fail "an answer to another request"
error=$(((bytes[8] << 8) | bytes[9]))
[ "$error" -eq 0 ] || fail "ApiVersions answered with error code $error"
