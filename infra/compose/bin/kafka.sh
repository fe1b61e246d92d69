#!/usr/bin/env bash
# Kafka in its container: server.properties from the template the native stack
# uses (infra/kafka/server.properties), storage formatted once per volume.
# The broker listens for the compose network on kafka:9092 and for the host on
# 19092 (published on 127.0.0.1:MDP_KAFKA_PORT, advertised as such).
set -euo pipefail
source /opt/mdp/bin/lib.sh
export KAFKA_CONTROLLER_ADDRESS=localhost:9093
export KAFKA_LISTENERS=PLAINTEXT://:9092,EXTERNAL://:19092,CONTROLLER://localhost:9093
export KAFKA_ADVERTISED_LISTENERS="PLAINTEXT://kafka:9092,EXTERNAL://127.0.0.1:${MDP_KAFKA_PORT:?}"
export KAFKA_LOG_DIRS=/var/lib/kafka/data
render /opt/mdp/infra/kafka/server.properties >/tmp/server.properties
classpath='/opt/kafka/libs/*'
if [ ! -f "$KAFKA_LOG_DIRS/meta.properties" ]; then
  id=$(java -cp "$classpath" kafka.tools.StorageTool random-uuid)
  java -cp "$classpath" kafka.tools.StorageTool format --cluster-id="$id" --config /tmp/server.properties
fi
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
exec java ${JAVA_OPTS:-} -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/mdp/infra/kafka/log4j2.properties \
  -cp "$classpath" kafka.Kafka /tmp/server.properties
