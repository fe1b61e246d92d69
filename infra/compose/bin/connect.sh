#!/usr/bin/env bash
# Kafka Connect in its container: worker.properties from the template the native
# stack uses (infra/connect/worker.properties); Debezium and the Avro converter
# are on the plugin path (their ServiceLoader manifests synced at build time).
set -euo pipefail
source /opt/mdp/bin/lib.sh
export KAFKA_BOOTSTRAP_SERVERS=kafka:9092
export CONNECT_LISTENERS=http://:8083 CONNECT_ADVERTISED_HOST=connect CONNECT_ADVERTISED_PORT=8083
export CONNECT_PLUGIN_PATH=/opt/connect/plugins/debezium,/opt/connect/plugins/apicurio
render /opt/mdp/infra/connect/worker.properties >/tmp/worker.properties
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
exec java ${JAVA_OPTS:-} -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/mdp/infra/kafka/log4j2.properties \
  -cp '/opt/kafka/libs/*' org.apache.kafka.connect.cli.ConnectDistributed /tmp/worker.properties
