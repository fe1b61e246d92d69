#!/usr/bin/env bash
# Deletes the lake (bronze, silver, quarantine and the Spark job's checkpoints)
# from the bucket, keeping the bucket and its users: the Spark job, started
# again, rebuilds every table from the CDC topics, which keep every record
# (retention.ms=-1, see infra/connect/mdp-postgres.json). Run it while the
# job is stopped: `pnpm stack lake-reset` does all three steps; the compose
# stack runs it in its minio-init container (README, "Resetting").
# Needs: MC (default `mc`), S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY;
# MC_CONFIG_DIR for mc's own files.
set -euo pipefail
mc=${MC:-mc}
bucket=${S3_BUCKET:?}
# Credentials on standard input: a secret may start with '-' (see init.sh).
printf '%s\n%s\n' "${S3_ACCESS_KEY:?}" "${S3_SECRET_KEY:?}" | "$mc" --quiet alias set mdp-lake "${S3_ENDPOINT:?}" >/dev/null
for prefix in bronze silver quarantine _checkpoints; do
  "$mc" --quiet rm --recursive --force "mdp-lake/$bucket/$prefix/" >/dev/null
done
left=$("$mc" --quiet ls "mdp-lake/$bucket/" | wc -l)
echo "reset-lake: bronze, silver, quarantine and _checkpoints deleted from $bucket ($left other entries left)"
