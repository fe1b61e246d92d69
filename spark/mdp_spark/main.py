"""Composition root: arguments → config → logger → service checks → SparkSession → streaming query; signals.

    python -m mdp_spark.main [--trigger-seconds N] [--topic-pattern REGEX] [--ready-file PATH] ...
Only this module reads the environment or exits. Exit codes: 0 stopped by a
signal, 1 the query failed, 2 bad configuration, 3 a service is unreachable.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time

from .config import DEFAULT_LAKE_RETAIN_HOURS
from .job import DEFAULT_COMPACT_EVERY, DEFAULT_TOPIC_PATTERN, BatchWriter, Layout, start_query
from .log import create_root_logger
from .preflight import startup
from .registry import SchemaRegistry
from .session import create_session


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="run-job.sh",
        description="Streams every Debezium CDC topic (Confluent-framed Avro) into Delta tables on S3: "
        "bronze/<table>_changes, silver/<table>, quarantine/cdc_errors, checkpoints in "
        "_checkpoints/cdc. Reads KAFKA_BROKERS, SCHEMA_REGISTRY_URL, S3_ENDPOINT, S3_ACCESS_KEY, "
        "S3_SECRET_KEY, S3_BUCKET (and MDP_SPARK_UI_PORT, or 14040 + MDP_PORT_OFFSET, for the UI).",
    )
    parser.add_argument(
        "--topic-pattern", default=DEFAULT_TOPIC_PATTERN, help="Kafka topics to read (regex, default %(default)s)"
    )
    parser.add_argument(
        "--trigger-seconds", type=float, default=2.0, help="micro-batch interval, at least 2 (default %(default)s)"
    )
    parser.add_argument(
        "--max-offsets-per-trigger",
        type=int,
        default=50_000,
        help="records per micro-batch at most (default %(default)s)",
    )
    parser.add_argument(
        "--compact-every",
        type=int,
        default=DEFAULT_COMPACT_EVERY,
        help="compact a table's small files after every N writes to it (default %(default)s)",
    )
    parser.add_argument(
        "--retain-hours",
        type=float,
        help="after each compaction, delete the files the table's versions of the last N hours "
        f"do not read (VACUUM; default: MDP_LAKE_RETAIN_HOURS, else {DEFAULT_LAKE_RETAIN_HOURS:g})",
    )
    parser.add_argument(
        "--ready-file",
        help="written (JSON: query id, Spark UI URL) once the query has completed its "
        "first trigger against Kafka; removed at start and at exit",
    )
    parser.add_argument(
        "--wait-for-services",
        type=float,
        default=0,
        metavar="SECONDS",
        help="wait up to SECONDS for Kafka, the registry and MinIO to answer before giving up with exit 3 "
        "(default %(default)s: exit at once; the stack's supervised job waits, so a restarting "
        "service does not use up its restarts)",
    )
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    args = parser.parse_args(argv)
    if args.trigger_seconds < 2:
        parser.error("--trigger-seconds must be at least 2 (a MERGE micro-batch takes 1–2 s on 2 cores)")
    if args.max_offsets_per_trigger < 1:
        parser.error("--max-offsets-per-trigger must be positive")
    if args.compact_every < 1:
        parser.error("--compact-every must be positive")
    if args.retain_hours is not None and args.retain_hours < 0:
        parser.error("--retain-hours must be 0 or more")
    if args.wait_for_services < 0:
        parser.error("--wait-for-services must be 0 or more")
    return args


def _remove(path: str | None) -> None:
    if path:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def _signal_ready(query, path: str, content: dict, stopping: threading.Event, log) -> None:
    """Writes the ready file once the query has finished one trigger (offsets resolved in Kafka)."""
    while not stopping.is_set() and query.isActive:
        if query.lastProgress is not None:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with open(f"{path}.tmp", "w", encoding="utf-8") as out:
                json.dump(content, out)
            os.replace(f"{path}.tmp", path)
            log.info("ready", extra={"ready_file": path})
            return
        stopping.wait(0.5)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    log = create_root_logger(args.log_level)
    _remove(args.ready_file)
    ready = startup(os.environ, log, "spark/bin/run-job.sh", args.wait_for_services)
    if isinstance(ready, int):
        return ready
    config, jars_dir = ready
    layout = Layout(config.lake_root)
    retain_hours = config.lake_retain_hours if args.retain_hours is None else args.retain_hours
    log.info(
        "starting",
        extra={
            "brokers": config.kafka_brokers,
            "registry": config.schema_registry_url,
            "lake": config.lake_root,
            "topics": args.topic_pattern,
            "ui_port": config.ui_port,
            "master": config.master,
            "retain_hours": retain_hours,
        },
    )
    spark = create_session(
        "mdp-cdc-to-delta",
        jars_dir,
        ui_port=config.ui_port,
        driver_memory=config.driver_memory,
        master=config.master,
        host=config.host,
        s3={"endpoint": config.s3_endpoint, "access_key": config.s3_access_key, "secret_key": config.s3_secret_key},
    )
    stopping = threading.Event()
    try:
        registry = SchemaRegistry(config.schema_registry_url, logger=log.getChild("registry"))
        writer = BatchWriter(
            spark,
            registry,
            layout,
            log.getChild("job"),
            compact_every=args.compact_every,
            retain_hours=retain_hours,
        )
        writer.create_quarantine()
        query = start_query(
            spark,
            writer,
            layout,
            config.kafka_brokers,
            config.kafka_login,
            args.topic_pattern,
            args.trigger_seconds,
            args.max_offsets_per_trigger,
        )
        log.info("query started", extra={"query_id": str(query.id), "checkpoint": layout.checkpoint})

        def stop(signum, _frame):
            log.info("stopping", extra={"signal": signal.Signals(signum).name})
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if args.ready_file:
            threading.Thread(
                target=_signal_ready,
                daemon=True,
                name="ready-file",
                args=(
                    query,
                    args.ready_file,
                    {"query_id": str(query.id), "ui": spark.sparkContext.uiWebUrl, "started_at": time.time()},
                    stopping,
                    log,
                ),
            ).start()
        while not stopping.is_set() and query.isActive:
            query.awaitTermination(1)
        if query.isActive:
            query.stop()
        if query.exception() is not None:
            log.error("query failed", extra={"err": str(query.exception()).splitlines()[0]})
            return 1
    except Exception as err:  # noqa: BLE001 (the query failed: say why, exit non-zero, the supervisor restarts)
        message = str(err).splitlines()[0] if str(err) else repr(err)
        log.error("query failed", extra={"err": message})
        return 1
    finally:
        stopping.set()
        _remove(args.ready_file)
        spark.stop()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
