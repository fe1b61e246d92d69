# Shared by spark/bin/*.sh (sourced, not run): versions, cache paths, Java.
# Sets MDP_SPARK_VENV, MDP_SPARK_JARS_DIR, JAVA_HOME and exports the versions.

spark_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repo_dir=$(cd "$spark_dir/.." && pwd)
versions_file="$repo_dir/infra/versions.env"

if [ ! -f "$versions_file" ]; then
  echo "spark: $versions_file is missing (the one place of versions)" >&2
  exit 1
fi
# Plain KEY=VALUE lines (see the file's header); export each one.
while IFS='=' read -r key value; do
  case "$key" in '' | \#*) continue ;; esac
  export "$key=$value"
done <"$versions_file"

for key in PYSPARK_VERSION DELTA_SPARK_VERSION SPARK_SCALA_VERSION HADOOP_AWS_VERSION DELTALAKE_PY_VERSION PYARROW_VERSION; do
  if [ -z "${!key:-}" ]; then
    echo "spark: $key is not set in $versions_file" >&2
    exit 1
  fi
done

# Keyed by version and by the content of the files that define the install, so a
# changed pin gets a fresh directory and an unchanged one is reused.
spark_key() {
  cat "$@" | sha256sum | cut -c1-12
}
mdp_spark_cache=${MDP_CACHE:-$HOME/.cache/mdp}/spark
MDP_SPARK_VENV="$mdp_spark_cache/venv-$PYSPARK_VERSION-delta-$DELTA_SPARK_VERSION-$(env | grep -E '^(PYSPARK|DELTA|DELTALAKE|PYARROW)_' | sort | spark_key "$spark_dir/requirements.txt" -)"
MDP_SPARK_JARS_DIR="$mdp_spark_cache/jars-$PYSPARK_VERSION-delta-$DELTA_SPARK_VERSION-$(env | grep -E '^(PYSPARK|DELTA|SPARK_SCALA|HADOOP_AWS)_' | sort | spark_key "$spark_dir/jars/pom.xml" -)"
export MDP_SPARK_VENV MDP_SPARK_JARS_DIR

# Spark 4.2 runs on Java 17 (or 21). Keep a JAVA_HOME that is one of those,
# otherwise take a JDK 17 from /usr/lib/jvm.
java_major() {
  "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}
if [ -z "${JAVA_HOME:-}" ] || ! [[ "$(java_major "$JAVA_HOME" 2>/dev/null)" =~ ^(17|21)$ ]]; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] || continue
    if [ "$(java_major "$candidate")" = "${JAVA_SPARK:-17}" ]; then
      JAVA_HOME=$candidate
      break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "spark: no Java ${JAVA_SPARK:-17} JDK found under /usr/lib/jvm; install one (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME" >&2
    exit 1
  fi
fi
export JAVA_HOME

# What every launcher needs: the Spark UI and driver bind to loopback only, and
# Python workers run in the job's venv.
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
export PYSPARK_PYTHON="$MDP_SPARK_VENV/bin/python"
