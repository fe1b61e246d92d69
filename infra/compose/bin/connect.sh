#!/usr/bin/env bash
# Kafka Connect in its container: worker.properties from the template the native
# stack uses (infra/connect/worker.properties); Debezium and the Avro converter
# are on the plugin path (their ServiceLoader manifests synced at build time).
# The REST API's user (KAFKA_CONNECT_USER/KAFKA_CONNECT_PASSWORD) goes into files
# of its own (mode 0600: the JAAS users file, the healthcheck's curl config), and
# the password leaves the worker's environment before it starts.
# compose.cluster.yaml runs two workers of one group: each names its own host
# (CONNECT_ADVERTISED_HOST, for the other's forwarded requests) and the brokers.
set -euo pipefail
source /opt/mdp/bin/lib.sh
export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}
export CONNECT_LISTENERS=http://:8083 CONNECT_ADVERTISED_HOST=${CONNECT_ADVERTISED_HOST:-connect}
export CONNECT_ADVERTISED_PORT=8083
export CONNECT_PLUGIN_PATH=/opt/connect/plugins/debezium,/opt/connect/plugins/apicurio
export CONNECT_REST_USERS_FILE=/tmp/rest-users.properties
[[ $KAFKA_CONNECT_WORKER_PASSWORD != *[\\\"[:space:]]* ]] ||
  die "KAFKA_CONNECT_WORKER_PASSWORD may not hold a double quote, a backslash or white space"
umask 077
render /opt/mdp/infra/connect/worker.properties >/tmp/worker.properties
unset KAFKA_CONNECT_WORKER_PASSWORD
[[ ${KAFKA_CONNECT_USER:?} =~ ^[A-Za-z0-9._-]+$ ]] ||
  die "KAFKA_CONNECT_USER may hold letters, digits, '.', '_' and '-' only"
[[ ${KAFKA_CONNECT_PASSWORD:?} != change-me* ]] ||
  die "KAFKA_CONNECT_PASSWORD still holds .env.example's placeholder: set a secret of your own in .env"
umask 077
render /opt/mdp/infra/connect/rest-jaas.conf >/tmp/rest-jaas.conf
password=${KAFKA_CONNECT_PASSWORD//\\/\\\\}
printf '%s=%s\n' "$KAFKA_CONNECT_USER" "$password" >"$CONNECT_REST_USERS_FILE"
password=${password//\"/\\\"}
printf 'user = "%s:%s"\n' "$KAFKA_CONNECT_USER" "$password" >/tmp/rest-curl.conf
unset KAFKA_CONNECT_PASSWORD password
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
exec java ${JAVA_OPTS:-} -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/mdp/infra/kafka/log4j2.properties \
  -Djava.security.auth.login.config=/tmp/rest-jaas.conf \
  -cp '/opt/kafka/libs/*' org.apache.kafka.connect.cli.ConnectDistributed /tmp/worker.properties
