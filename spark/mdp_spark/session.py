"""The SparkSession the job and its tests share: Delta, exact timestamps, small local footprint.

In local mode (the default, ``local[2]``) the executors live in the driver's JVM. On a Spark
standalone cluster (``spark://host:port``: the stack's cluster profile, where spark-submit
starts the driver) each executor is a JVM of a worker: it finds the connector jars at the
same path on its own node (spark/bin/setup.sh installs them on every node) and the job's
Python package in the zip that spark-submit's --py-files ships.
"""

import glob
import os

from pyspark.sql import SparkSession


def jar_list(jars_dir: str) -> str:
    jars = sorted(glob.glob(os.path.join(jars_dir, "*.jar")))
    if not jars:
        raise FileNotFoundError(f"no jars in {jars_dir}: run spark/bin/setup.sh")
    return os.pathsep.join(jars)


def create_session(
    app_name: str,
    jars_dir: str,
    *,
    ui_port: int | None = None,
    driver_memory: str = "1g",
    master: str = "local[2]",
    host: str = "127.0.0.1",
    s3: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
) -> SparkSession:
    conf = {
        "spark.master": master,
        # On the driver's class path, not in spark.jars: the local executor would copy every jar
        # (760 MB with the AWS SDK bundle) through the driver's file server at each start, which
        # took minutes on a busy machine and failed with ClosedChannelException.
        "spark.driver.extraClassPath": jar_list(jars_dir),
        "spark.driver.memory": driver_memory,
        # a query stopped in the middle of a MERGE overflowed the default stack
        "spark.driver.extraJavaOptions": "-Xss16m",
        "spark.driver.host": host,
        "spark.driver.bindAddress": host,
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "2",
        # Micro-batches of a few thousand rows: generating and JIT-compiling Java for
        # every new plan (each batch's literals make new ones) costs more than it saves.
        "spark.sql.codegen.wholeStage": "false",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.databricks.delta.snapshotPartitions": "2",
        "spark.databricks.delta.properties.defaults.enableDeletionVectors": "false",
        # The job's compaction (sink.Compaction) leaves files of 16 MB and more alone: each is
        # rewritten until it reaches that size, never after (Delta's default, 1 GB, would rewrite
        # a growing table again and again).
        "spark.databricks.delta.optimize.minFileSize": str(16 * 1024 * 1024),
        "spark.ui.showConsoleProgress": "false",
    }
    if not master.startswith("local"):
        conf.update(
            {
                "spark.executor.extraClassPath": jar_list(jars_dir),
                # one executor of one core on each worker: a dead worker costs half the cores
                "spark.executor.cores": "1",
                "spark.executor.memory": "1g",
                "spark.cores.max": "2",
            }
        )
    if ui_port is None:
        conf["spark.ui.enabled"] = "false"
    else:
        conf["spark.ui.port"] = str(ui_port)
    if s3:
        conf.update(
            {
                "spark.hadoop.fs.s3a.endpoint": s3["endpoint"],
                "spark.hadoop.fs.s3a.endpoint.region": "us-east-1",
                "spark.hadoop.fs.s3a.path.style.access": "true",
                "spark.hadoop.fs.s3a.connection.ssl.enabled": str(s3["endpoint"].startswith("https://")).lower(),
                "spark.hadoop.fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
            }
        )
    conf.update(extra or {})
    builder = SparkSession.builder.appName(app_name)
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    if s3:
        # Over the gateway, before the first read: as builder settings the key would be a
        # spark-submit argument, on the JVM's command line for any user of the machine to see.
        hadoop = spark.sparkContext._jsc.hadoopConfiguration()
        hadoop.set("fs.s3a.access.key", s3["access_key"])
        hadoop.set("fs.s3a.secret.key", s3["secret_key"])
    return spark
