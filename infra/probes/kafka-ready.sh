#!/usr/bin/env bash
# Readiness probe of Kafka, for both ways to run the stack (process-compose's
# readiness_probe, compose's healthcheck): a real Metadata request (v4, all
# topics; Kafka 4 dropped v0-v3) over bash's /dev/tcp, ready only when the
# broker answers with itself in the broker list. No JVM or Node to start, so it
# costs nothing when run every second or two.
#   kafka-ready.sh [HOST] [PORT]
set -uo pipefail
host=${1:-127.0.0.1} port=${2:-9092}
fail() { echo "kafka not ready at $host:$port: $*" >&2; exit 1; }
{ exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || fail "connection refused"
# size 18 | api_key 3 (Metadata) | version 4 | correlation id 1 | client id "mdp" |
# topics -1 (null: all) | allow_auto_topic_creation 0
printf '\x00\x00\x00\x12\x00\x03\x00\x04\x00\x00\x00\x01\x00\x03mdp\xff\xff\xff\xff\x00' >&3
# size, correlation id, throttle_time_ms, brokers count: the first 16 bytes
read -r -a bytes < <(timeout 3 head -c 16 <&3 | od -An -v -tu1 | tr '\n' ' ')
exec 3<&-
[ "${#bytes[@]}" -eq 16 ] || fail "no answer within 3 s"
[ "${bytes[7]}" -eq 1 ] || fail "an answer to another request"
brokers=$(((bytes[12] << 24) | (bytes[13] << 16) | (bytes[14] << 8) | bytes[15]))
[ "$brokers" -ge 1 ] || fail "metadata lists $brokers brokers"
