#!/usr/bin/env bash
# Kafka in its container: server.properties from the template the native stack
# uses (infra/kafka/server.properties), storage formatted once per volume.
# The broker listens for the compose network on KAFKA_HOST:9092 and for the host
# on 19092 (published on 127.0.0.1:MDP_KAFKA_PORT, advertised as such). The
# admin's password (KAFKA_ADMIN_PASSWORD) goes into server.properties, readable
# by this user only, and leaves the environment before the broker starts.
# One node by default; compose.cluster.yaml sets, per node of its quorum,
# KAFKA_NODE_ID, KAFKA_HOST, KAFKA_QUORUM_VOTERS (controllers on HOST:9093), the
# replication settings and KAFKA_CLUSTER_ID (every node formats with the same one).
set -euo pipefail
source /opt/mdp/bin/lib.sh
export KAFKA_NODE_ID=${KAFKA_NODE_ID:-1} KAFKA_HOST=${KAFKA_HOST:-kafka}
if [ -n "${KAFKA_QUORUM_VOTERS:-}" ]; then
  controller=CONTROLLER://:9093 # the other nodes' controllers reach this one
else
  export KAFKA_QUORUM_VOTERS=$KAFKA_NODE_ID@localhost:9093
  controller=CONTROLLER://localhost:9093
fi
export KAFKA_REPLICATION_FACTOR=${KAFKA_REPLICATION_FACTOR:-1}
export KAFKA_MIN_INSYNC_REPLICAS=${KAFKA_MIN_INSYNC_REPLICAS:-1}
export KAFKA_LISTENERS=BROKER://:9092,EXTERNAL://:19092,$controller
export KAFKA_ADVERTISED_LISTENERS="BROKER://$KAFKA_HOST:9092,EXTERNAL://127.0.0.1:${MDP_KAFKA_PORT:?}"
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
  id=${KAFKA_CLUSTER_ID:-$(java -cp "$classpath" kafka.tools.StorageTool random-uuid)}
  java -cp "$classpath" kafka.tools.StorageTool format --cluster-id="$id" --config /tmp/server.properties
fi
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
exec java ${JAVA_OPTS:-} -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/mdp/infra/kafka/log4j2.properties \
  -cp "$classpath" kafka.Kafka /tmp/server.properties
