#!/usr/bin/env bash
# Kafka in its container: server.properties from the template the native stack
# uses (infra/kafka/server.properties), storage formatted once per volume.
# The broker listens for the compose network on kafka:9092 and for the host on
# 19092 (published on 127.0.0.1:MDP_KAFKA_PORT, advertised as such). The
# admin's password (KAFKA_ADMIN_PASSWORD) goes into server.properties, readable
# by this user only, and leaves the environment before the broker starts.
set -euo pipefail
source /opt/mdp/bin/lib.sh
export KAFKA_NODE_ID=1 KAFKA_QUORUM_VOTERS=1@localhost:9093
export KAFKA_REPLICATION_FACTOR=1 KAFKA_MIN_INSYNC_REPLICAS=1
export KAFKA_LISTENERS=BROKER://:9092,EXTERNAL://:19092,CONTROLLER://localhost:9093
export KAFKA_ADVERTISED_LISTENERS="BROKER://kafka:9092,EXTERNAL://127.0.0.1:${MDP_KAFKA_PORT:?}"
export KAFKA_LOG_DIRS=/var/lib/kafka/data
[[ ${KAFKA_ADMIN_PASSWORD:?} != change-me* ]] ||
  die "KAFKA_ADMIN_PASSWORD still holds .env.example's placeholder: set a secret of your own in .env"
[[ $KAFKA_ADMIN_PASSWORD != *[\\\"[:space:]]* ]] ||
  die "KAFKA_ADMIN_PASSWORD may not hold a double quote, a backslash or white space"
umask 077
render /opt/mdp/infra/kafka/server.properties >/tmp/server.properties
unset KAFKA_ADMIN_PASSWORD
classpath='/opt/kafka/libs/*'
if [ ! -f "$KAFKA_LOG_DIRS/meta.properties" ]; then
  id=$(java -cp "$classpath" kafka.tools.StorageTool random-uuid)
  java -cp "$classpath" kafka.tools.StorageTool format --cluster-id="$id" --config /tmp/server.properties
fi
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
exec java ${JAVA_OPTS:-} -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/mdp/infra/kafka/log4j2.properties \
  -cp "$classpath" kafka.Kafka /tmp/server.properties
