#!/usr/bin/env bash
# Kafka's users and ACLs, for both ways to run the stack (process-compose's
# kafka-init, compose's kafka-init service), once Kafka is up. Idempotent: it
# redoes nothing when MARKER holds the digest of the same passwords.
#   init.sh BOOTSTRAP MARKER
# Reads JAVA (default java), KAFKA_LIBS (the Kafka jars' directory) and the
# passwords KAFKA_ADMIN_PASSWORD, KAFKA_CONNECT_WORKER_PASSWORD,
# KAFKA_SPARK_PASSWORD, KAFKA_PASSWORD (mdp-reader's), KAFKA_BENCH_PASSWORD from the
# environment. No password goes through argv: Kafka's tools read them from files
# of a private temporary directory.
#
# Who may do what (every user authenticates with SCRAM-SHA-512):
#   mdp-admin    everything (super user, server.properties)
#   mdp-connect  the worker's own topics and group; writes the CDC topics (mdp.*)
#                and Debezium's heartbeat topic; nobody else writes them
#   mdp-spark    reads mdp.*           (the Spark job)
#   mdp-reader   reads mdp.*           (validate, consume, the console, your own clients)
#   mdp-bench    reads mdp.*, owns the mdp-bench* topics (pnpm bench)
set -euo pipefail
bootstrap=${1:?usage: init.sh BOOTSTRAP MARKER} marker=${2:?usage: init.sh BOOTSTRAP MARKER}
java=${JAVA:-java} classpath="${KAFKA_LIBS:?}/*"
declare -A passwords=(
  [mdp-admin]=${KAFKA_ADMIN_PASSWORD:?} [mdp-connect]=${KAFKA_CONNECT_WORKER_PASSWORD:?}
  [mdp-spark]=${KAFKA_SPARK_PASSWORD:?} [mdp-reader]=${KAFKA_PASSWORD:?}
  [mdp-bench]=${KAFKA_BENCH_PASSWORD:?}
)
for user in "${!passwords[@]}"; do
  case ${passwords[$user]} in
  change-me*) echo "kafka-init: $user's password is .env.example's placeholder: set a secret of your own in .env" >&2; exit 1 ;;
  *[\\\"[:space:]]*) echo "kafka-init: $user's password may not hold a double quote, a backslash or white space" >&2; exit 1 ;;
  esac
done
digest=$(for user in "${!passwords[@]}"; do printf '%s=%s\n' "$user" "${passwords[$user]}"; done |
  sort | sha256sum | cut -d' ' -f1)
if [ "$(cat "$marker" 2>/dev/null)" = "$digest" ]; then
  echo "kafka-init: users and ACLs already in place"
  exit 0
fi

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the admin's static PLAIN user (server.properties) makes the SCRAM users, the admin's too
cat >"$work/admin.properties" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="mdp-admin" password="$KAFKA_ADMIN_PASSWORD";
EOF

# Kafka's tools are a JVM each (seconds on 2 cores): they run side by side
pids=()
background() {
  local log="$work/$1.log"
  shift
  "$java" -Xmx128m -cp "$classpath" "$@" >"$log" 2>&1 || { cat "$log" >&2; return 1; } &
  pids+=($!)
}
for user in "${!passwords[@]}"; do
  # the tool wants the value without brackets in a file: SCRAM-SHA-512=password=…
  printf 'SCRAM-SHA-512=password=%s\n' "${passwords[$user]}" >"$work/$user.scram"
  background "user-$user" kafka.admin.ConfigCommand --bootstrap-server "$bootstrap" \
    --command-config "$work/admin.properties" --alter --entity-type users --entity-name "$user" \
    --add-config-file "$work/$user.scram"
done
acl() {
  background "acl-$1" org.apache.kafka.tools.AclCommand --bootstrap-server "$bootstrap" \
    --command-config "$work/admin.properties" --add "${@:2}"
}
acl connect-own --allow-principal User:mdp-connect --operation All \
  --topic _mdp-connect- --group mdp-connect --resource-pattern-type prefixed
acl connect-cdc --allow-principal User:mdp-connect --operation Write --operation Create \
  --operation Describe --operation DescribeConfigs \
  --topic mdp. --topic __debezium-heartbeat.mdp --resource-pattern-type prefixed
acl readers-topics --allow-principal User:mdp-spark --allow-principal User:mdp-reader \
  --allow-principal User:mdp-bench --operation Read --operation Describe \
  --topic mdp. --resource-pattern-type prefixed
# a consumer group holds offsets, never data: any group name will do
acl readers-groups --allow-principal User:mdp-spark --allow-principal User:mdp-reader \
  --allow-principal User:mdp-bench --operation Read --operation Describe --group '*'
acl bench-own --allow-principal User:mdp-bench --operation All --topic mdp-bench \
  --resource-pattern-type prefixed

failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || { echo "kafka-init: a Kafka tool failed (its output is above)" >&2; exit 1; }
echo "$digest" >"$marker"
echo "kafka-init: users ${!passwords[*]} and their ACLs are in place"
