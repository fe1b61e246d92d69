#!/usr/bin/env bash
# PostgreSQL in its container, as user postgres: the cluster is created once per
# volume (initdb as the native stack does it, superuser password from
# PG_SUPERUSER_PASSWORD), its access rules from infra/postgres/pg_hba.conf, then the server runs
# with the same settings as the native stack's (infra/process-compose.yaml says why). Roles and databases come from
# infra/postgres/init.sql, applied by the postgres-init one-shot.
set -euo pipefail
source /opt/mdp/bin/lib.sh
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${PG_SUPERUSER_PASSWORD:-}" ] || die "PG_SUPERUSER_PASSWORD is not set (see .env.example)"
  [[ $PG_SUPERUSER_PASSWORD != change-me* ]] ||
    die "PG_SUPERUSER_PASSWORD still holds .env.example's placeholder: set a secret of your own in .env"
  initdb -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
    --auth-host=scram-sha-256 --no-instructions --pwfile=<(printf '%s\n' "$PG_SUPERUSER_PASSWORD")
fi
# the access rules of both modes (no physical replication), over initdb's at every start
cp /opt/mdp/infra/postgres/pg_hba.conf "$PGDATA/pg_hba.conf"
exec postgres -D "$PGDATA" -c listen_addresses='*' \
  -c wal_level=logical -c max_wal_senders=10 -c max_replication_slots=10 \
  -c "max_slot_wal_keep_size=${MDP_PG_MAX_SLOT_WAL_KEEP_SIZE:-2GB}" \
  -c shared_buffers=128MB -c max_connections=100 -c wal_writer_delay=10ms \
  -c log_min_messages=warning -c "log_line_prefix=%m [%p] %u@%d "
