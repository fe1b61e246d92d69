"""Confluent-framed Avro → decoded envelopes, each record with its own writer schema.

Framing: byte 1 is the magic 0, bytes 2–5 the schema id (big endian), the rest
is Avro binary. Per micro-batch the distinct (topic, schema id) pairs are
collected, each writer schema is fetched once from the registry (cached), and
Spark's own `from_avro` decodes that group on `substring(value, 6)`. Records
written before and after a schema change carry different ids, so each decodes
with the schema it was written with. Tombstones (null values) are skipped.
Whatever cannot be decoded becomes a quarantine row naming topic, partition,
offset and the reason, and the rest of the batch goes on; so does a change
whose key cannot be read (its key schema unknown, its key bytes not framed),
which silver could not place. Only a record without a key (a TRUNCATE, a table
without a primary key) goes on keyless.
"""

import logging
from dataclasses import dataclass, field

from pyspark.errors import PySparkException
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.avro.functions import from_avro
from pyspark.sql.types import BinaryType, IntegerType, LongType, StringType, StructField, StructType, TimestampType

from .errors import SchemaNotFoundError
from .registry import SchemaRegistry
from .transform import flatten, is_change_event, record_field_names, row_fields, table_of_topic

QUARANTINE_SCHEMA = StructType(
    [
        StructField("topic", StringType()),
        StructField("partition", IntegerType()),
        StructField("offset", LongType()),
        StructField("kafka_timestamp", TimestampType()),
        StructField("schema_id", LongType()),
        StructField("error_code", StringType()),
        StructField("error", StringType()),
        StructField("key", BinaryType()),
        StructField("value", BinaryType()),
    ]
)


def _framed_id(column: str) -> F.Column:
    """Schema id of a Confluent-framed value, null when the bytes are not framed."""
    raw = F.col(column)
    framed = (F.length(raw) >= 5) & (F.hex(F.substring(raw, 1, 1)) == F.lit("00"))
    return F.when(framed, F.conv(F.hex(F.substring(raw, 2, 4)), 16, 10).cast("long"))


@dataclass
class TableChanges:
    table: str
    key_columns: list[str]
    changes: DataFrame
    # The table's columns as its newest record in the batch has them (row columns, then
    # derived ones): what silver holds after a DDL. `derived`: the derived ones' names.
    source_columns: StructType = field(default_factory=StructType)
    derived: list[str] = field(default_factory=list)


@dataclass
class _DecodedGroup:
    """The records of one topic with one value and key schema, decoded."""

    newest_offset: int
    changes: DataFrame
    key_columns: list[str] | None  # None: no Kafka key (a TRUNCATE)
    source: StructType  # the row and derived columns, as this schema has them
    derived: list[str]


@dataclass
class DecodedBatch:
    tables: dict[str, TableChanges] = field(default_factory=dict)
    quarantine: list[DataFrame] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _quarantine(rows: DataFrame, code: str, message: F.Column) -> DataFrame:
    return rows.select(
        F.col("topic"),
        F.col("partition"),
        F.col("offset"),
        F.col("timestamp").alias("kafka_timestamp"),
        F.col("_schema_id").alias("schema_id"),
        F.lit(code).alias("error_code"),
        message.alias("error"),
        F.col("key"),
        F.col("value"),
    )


def decode_batch(raw: DataFrame, registry: SchemaRegistry, logger: logging.Logger | None = None) -> DecodedBatch:
    """`raw` has the Kafka source's columns (topic, partition, offset, timestamp, key, value)."""
    log = logger or logging.getLogger("mdp_spark.decode")
    framed = raw.where(F.col("value").isNotNull()).select(
        "topic",
        "partition",
        "offset",
        "timestamp",
        "key",
        "value",
        _framed_id("value").alias("_schema_id"),
        _framed_id("key").alias("_key_schema_id"),
    )
    out = DecodedBatch()
    groups = (
        framed.groupBy("topic", "_schema_id", "_key_schema_id")
        .agg(F.count("*").alias("count"), F.max("offset").alias("newest_offset"))
        .collect()
    )
    per_table: dict[str, list[_DecodedGroup]] = {}
    for group in groups:
        topic, schema_id, key_schema_id, count = (
            group["topic"],
            group["_schema_id"],
            group["_key_schema_id"],
            group["count"],
        )
        out.counts[topic] = out.counts.get(topic, 0) + count
        rows = framed.where(F.col("topic") == topic)
        if schema_id is None:
            out.quarantine.append(
                _quarantine(
                    rows.where(F.col("_schema_id").isNull()),
                    "NOT_FRAMED",
                    F.lit("value is not Confluent-framed Avro (no magic byte 0 + 4-byte schema id)"),
                )
            )
            continue
        rows = rows.where(F.col("_schema_id") == schema_id)
        if key_schema_id is None:
            rows = rows.where(F.col("_key_schema_id").isNull())
            out.quarantine.append(
                _quarantine(
                    rows.where(F.col("key").isNotNull()),
                    "KEY_NOT_FRAMED",
                    F.lit("key is not Confluent-framed Avro (no magic byte 0 + 4-byte schema id)"),
                )
            )
            rows = rows.where(F.col("key").isNull())
            key_columns = None
        else:
            rows = rows.where(F.col("_key_schema_id") == key_schema_id)
            try:
                key_columns = record_field_names(registry.schema(key_schema_id))
            except SchemaNotFoundError as err:
                log.error(
                    "key schema id not found, records quarantined",
                    extra={"topic": topic, "schema_id": key_schema_id, "records": count},
                )
                out.quarantine.append(_quarantine(rows, "KEY_SCHEMA_NOT_FOUND", F.lit(str(err))))
                continue
        try:
            schema_json = registry.schema(schema_id)
        except SchemaNotFoundError as err:
            log.error(
                "schema id not found, records quarantined",
                extra={"topic": topic, "schema_id": schema_id, "records": count},
            )
            out.quarantine.append(_quarantine(rows, err.code, F.lit(str(err))))
            continue
        if not is_change_event(schema_json):
            out.quarantine.append(
                _quarantine(
                    rows,
                    "NOT_A_CHANGE_EVENT",
                    F.lit(f"schema id {schema_id} is not a Debezium change event (no op/source/before/after)"),
                )
            )
            continue
        try:
            decoded = rows.withColumn(
                "env", from_avro(F.expr("substring(value, 6)"), schema_json, {"mode": "PERMISSIVE"})
            )
            good = decoded.where(F.col("env.op").isNotNull())
            bad = decoded.where(F.col("env.op").isNull())
            changes = flatten(
                good.select(
                    F.col("topic").alias("_kafka_topic"),
                    F.col("partition").alias("_kafka_partition"),
                    F.col("offset").alias("_kafka_offset"),
                    F.col("timestamp").alias("_kafka_timestamp"),
                    F.col("_schema_id"),
                    F.col("env"),
                ),
                schema_json,
                table=table_of_topic(topic),
            )
        except PySparkException as err:  # Spark rejects the schema itself: quarantine the group, say why
            reason = str(err).splitlines()[0][:500]
            log.error(
                "writer schema unusable, records quarantined",
                extra={"topic": topic, "schema_id": schema_id, "records": count, "err": reason},
            )
            out.quarantine.append(
                _quarantine(
                    rows, "SCHEMA_UNUSABLE", F.lit(f"writer schema id {schema_id} cannot be used by Spark: {reason}")
                )
            )
            continue
        out.quarantine.append(
            _quarantine(
                bad, "UNDECODABLE", F.lit(f"Avro payload does not decode with its writer schema id {schema_id}")
            )
        )
        row_names = {name for name, _ in row_fields(schema_json)}
        source = StructType([f for f in changes.schema.fields if not f.name.startswith("_")])
        per_table.setdefault(table_of_topic(topic), []).append(
            _DecodedGroup(
                group["newest_offset"],
                changes,
                key_columns,
                source,
                [f.name for f in source.fields if f.name not in row_names],
            )
        )
    for table, decoded_groups in per_table.items():
        merged = decoded_groups[0].changes
        for decoded_group in decoded_groups[1:]:
            merged = merged.unionByName(decoded_group.changes, allowMissingColumns=True)
        newest = max(decoded_groups, key=lambda g: g.newest_offset)
        # A TRUNCATE has no Kafka key: the key columns come from the newest keyed group
        # (a key column renamed at the source renames the key)
        keyed = [g for g in decoded_groups if g.key_columns is not None]
        key_columns = max(keyed, key=lambda g: g.newest_offset).key_columns if keyed else []
        out.tables[table] = TableChanges(
            table=table, key_columns=key_columns, changes=merged, source_columns=newest.source, derived=newest.derived
        )
    return out
