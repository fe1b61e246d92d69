#!/usr/bin/env bash
# Creates the lakehouse bucket, a read-write user limited to it and a
# read-only user of it. Idempotent. Used by the native stack's `minio-init`
# one-shot; the compose file can run it in an mc container the same way.
# Needs: MC (the mc binary, default `mc`), S3_ENDPOINT, MINIO_ROOT_USER,
# MINIO_ROOT_PASSWORD, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY,
# S3_READER_ACCESS_KEY, S3_READER_SECRET_KEY; MC_CONFIG_DIR for mc's own files.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mc=${MC:-mc}
bucket=${S3_BUCKET:?}
if [ "$bucket" != lakehouse ]; then
  echo "minio-init: the policies in $here name the bucket lakehouse, not $bucket" >&2
  exit 1
fi

# .env.example's values are placeholders, never secrets
for name in MINIO_ROOT_PASSWORD S3_SECRET_KEY S3_READER_SECRET_KEY; do
  if [[ ${!name:-} == change-me* ]]; then
    echo "minio-init: $name still holds .env.example's placeholder: set a secret of your own in .env" \
      "(the native stack generates them when unset)" >&2
    exit 1
  fi
done

for key in "${MINIO_ROOT_USER:?}" "${S3_ACCESS_KEY:?}" "${S3_READER_ACCESS_KEY:?}"; do
  if [[ $key == -* ]]; then
    echo "minio-init: access key '$key' starts with '-', which mc reads as a flag: choose another" >&2
    exit 1
  fi
done

# Keys and secrets go to mc on standard input, not as arguments: a secret may
# start with '-' (mc has no `--`), and arguments are visible in `ps`.
printf '%s\n%s\n' "$MINIO_ROOT_USER" "${MINIO_ROOT_PASSWORD:?}" | "$mc" --quiet alias set mdp "${S3_ENDPOINT:?}" >/dev/null
"$mc" --quiet mb --ignore-existing "mdp/$bucket"
"$mc" --quiet admin policy create mdp lakehouse-readwrite "$here/lakehouse-readwrite.json" >/dev/null
"$mc" --quiet admin policy create mdp lakehouse-readonly "$here/lakehouse-readonly.json" >/dev/null

# add_user <key> <secret> <policy>: (re)sets the secret, attaches the policy once.
add_user() {
  printf '%s\n%s\n' "$1" "$2" | "$mc" --quiet admin user add mdp >/dev/null
  if ! "$mc" --quiet admin user info mdp "$1" --json | grep -q "\"$3\""; then
    "$mc" --quiet admin policy attach mdp "$3" --user "$1" >/dev/null
  fi
}
add_user "${S3_ACCESS_KEY:?}" "${S3_SECRET_KEY:?}" lakehouse-readwrite
add_user "${S3_READER_ACCESS_KEY:?}" "${S3_READER_SECRET_KEY:?}" lakehouse-readonly
echo "minio-init: bucket $bucket, users $S3_ACCESS_KEY (readwrite) and $S3_READER_ACCESS_KEY (readonly) ready"
