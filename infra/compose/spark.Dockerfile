# The Spark job for docker compose: the official Spark image (Java 17, Python 3)
# plus the job's own install (spark/bin/setup.sh: venv with the pinned pyspark,
# delta-spark, deltalake; connector jars from Maven Central), baked in at build.
ARG SPARK_IMAGE
FROM ${SPARK_IMAGE}
USER root
RUN apt-get update \
  && apt-get install -y --no-install-recommends maven python3-venv \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /mdp
COPY infra/versions.env infra/versions.env
COPY spark spark
ENV MDP_CACHE=/opt/mdp-cache
RUN bash spark/bin/setup.sh
CMD ["bash", "spark/bin/run-job.sh", "--ready-file", "/tmp/spark-ready.json"]
