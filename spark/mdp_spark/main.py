"""Composition root: arguments → config → logger → SparkSession → streaming query; signals.

    python -m mdp_spark.main [--trigger-seconds N] [--topic-pattern REGEX] ...
Only this module reads the environment or exits.
"""

import argparse
import os
import signal
import sys

from .config import load_config
from .errors import MdpSparkError
from .job import DEFAULT_TOPIC_PATTERN, BatchWriter, Layout, start_query
from .log import create_root_logger
from .registry import SchemaRegistry
from .session import create_session


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="run-job.sh",
        description="Streams every Debezium CDC topic (Confluent-framed Avro) into Delta tables on S3: "
                    "bronze/<table>_changes, silver/<table>, quarantine/cdc_errors. Reads KAFKA_BROKERS, "
                    "SCHEMA_REGISTRY_URL, S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET "
                    "(and MDP_PORT_OFFSET or SPARK_UI_PORT for the UI port).")
    parser.add_argument("--topic-pattern", default=DEFAULT_TOPIC_PATTERN, help="Kafka topics to read (regex, default %(default)s)")
    parser.add_argument("--trigger-seconds", type=float, default=2.0, help="micro-batch interval, at least 2 (default %(default)s)")
    parser.add_argument("--max-offsets-per-trigger", type=int, default=50_000, help="records per micro-batch at most (default %(default)s)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    args = parser.parse_args(argv)
    if args.trigger_seconds < 2:
        parser.error("--trigger-seconds must be at least 2 (a MERGE micro-batch takes 1–2 s on 2 cores)")
    if args.max_offsets_per_trigger < 1:
        parser.error("--max-offsets-per-trigger must be positive")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    log = create_root_logger(args.log_level)
    try:
        config = load_config(os.environ)
    except MdpSparkError as err:
        log.error(str(err), extra={"code": err.code})
        return 2
    jars_dir = os.environ.get("MDP_SPARK_JARS_DIR")
    if not jars_dir:
        log.error("MDP_SPARK_JARS_DIR is not set: start the job with spark/bin/run-job.sh", extra={"code": "CONFIG_INVALID"})
        return 2
    layout = Layout(config.lake_root)
    log.info("starting", extra={"brokers": config.kafka_brokers, "registry": config.schema_registry_url,
                                "lake": config.lake_root, "topics": args.topic_pattern, "ui_port": config.ui_port})
    spark = create_session("mdp-cdc-to-delta", jars_dir, ui_port=config.ui_port, s3={
        "endpoint": config.s3_endpoint, "access_key": config.s3_access_key, "secret_key": config.s3_secret_key})
    registry = SchemaRegistry(config.schema_registry_url, logger=log.getChild("registry"))
    writer = BatchWriter(spark, registry, layout, log.getChild("job"))
    query = start_query(spark, writer, layout, config.kafka_brokers, args.topic_pattern,
                        args.trigger_seconds, args.max_offsets_per_trigger)
    log.info("query started", extra={"query_id": str(query.id), "checkpoint": layout.checkpoint})

    def stop(signum, _frame):
        log.info("stopping", extra={"signal": signal.Signals(signum).name})
        query.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        query.awaitTermination()
    except Exception as err:  # noqa: BLE001 (the query failed: say why, exit non-zero, the supervisor restarts)
        log.error("query failed", extra={"err": str(err).splitlines()[0] if str(err) else repr(err)})
        return 1
    finally:
        spark.stop()
    if query.exception() is not None:
        log.error("query failed", extra={"err": str(query.exception())})
        return 1
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
