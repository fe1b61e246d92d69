"""Debezium envelope → flat change rows with exact types and derived business columns.

One decoded envelope struct (from_avro with its writer schema) becomes one row:
the row image (`after`, or `before` for a delete) as top-level columns converted
from Debezium's wire types by their `connect.name`, plus the change's metadata
(`_change_type`, `_lsn`, `_tx_id`, `_commit_ts`, where it was read in Kafka).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DecimalType, StringType

CHANGE_TYPES = {"c": "insert", "u": "update", "d": "delete", "r": "snapshot", "t": "truncate", "m": "message"}

KAFKA_COLUMNS = ["_kafka_topic", "_kafka_partition", "_kafka_offset", "_kafka_timestamp", "_schema_id"]
CHANGE_COLUMNS = ["_change_type", "_lsn", "_tx_id", "_commit_ts", "_snapshot"]
# Debezium's source.snapshot on the last row a blocking (initial or re-) snapshot sends of a table
SNAPSHOT_ENDS = ("last", "last_in_data_collection")


def completes_snapshot() -> Column:
    """The last row of a table's blocking snapshot: every row the table had is sent at its LSN by
    then, so a row older than that LSN that the snapshot did not send is gone at the source."""
    return (F.col("_change_type") == "snapshot") & F.col("_snapshot").isin(*SNAPSHOT_ENDS)


def table_of_topic(topic: str) -> str:
    """`<prefix>.<schema>.<table>` → `<table>` (Debezium's default topic naming)."""
    return topic.rsplit(".", 1)[-1]


def _non_null(avro_type: Any) -> Any:
    if isinstance(avro_type, list):
        branches = [t for t in avro_type if t != "null"]
        return branches[0] if len(branches) == 1 else avro_type
    return avro_type


def _named_types(schema: Any, namespace: str = "", out: dict[str, dict] | None = None) -> dict[str, dict]:
    """Every named type (record, enum, fixed) of a schema by full name, and by short name when unambiguous.

    Avro defines a named type once, where it first appears, and refers to it by
    name afterwards: Debezium's envelope defines the row record in `before` and
    `after` only names it ("mdp.public.orders.Value").
    """
    out = {} if out is None else out
    if isinstance(schema, list):
        for branch in schema:
            _named_types(branch, namespace, out)
    elif isinstance(schema, dict):
        if schema.get("type") in ("record", "error", "enum", "fixed") and "name" in schema:
            name = schema["name"]
            namespace = name.rpartition(".")[0] if "." in name else schema.get("namespace", namespace)
            full = name if "." in name else (f"{namespace}.{name}" if namespace else name)
            out[full] = schema
            short = full.rpartition(".")[2]
            out[short] = schema if short not in out or out[short] is schema else {"ambiguous": True}
        for field in schema.get("fields", []):
            _named_types(field.get("type"), namespace, out)
        for key in ("items", "values"):
            if key in schema:
                _named_types(schema[key], namespace, out)
        if isinstance(schema.get("type"), (dict, list)):
            _named_types(schema["type"], namespace, out)
    return out


def _resolve(avro_type: Any, named: dict[str, dict]) -> Any:
    """A type with a reference by name replaced by the type it names (primitive names stay as they are)."""
    if isinstance(avro_type, str) and avro_type in named and "ambiguous" not in named[avro_type]:
        return named[avro_type]
    return avro_type


def row_fields(envelope_schema_json: str) -> list[tuple[str, Any]]:
    """(name, Avro type) of the row record that `before` and `after` carry."""
    envelope = json.loads(envelope_schema_json)
    named = _named_types(envelope)
    fields = {f["name"]: f for f in envelope.get("fields", [])}
    for image in ("after", "before"):
        record = _resolve(_non_null(fields[image]["type"]), named) if image in fields else None
        if isinstance(record, dict) and record.get("type") == "record":
            return [(f["name"], _resolve(_non_null(f["type"]), named)) for f in record.get("fields", [])]
    return []


def record_field_names(schema_json: str) -> list[str]:
    """Field names of a record schema (a Debezium key schema: the primary key columns)."""
    schema = json.loads(schema_json)
    return [f["name"] for f in schema.get("fields", [])] if isinstance(schema, dict) else []


def is_change_event(envelope_schema_json: str) -> bool:
    schema = json.loads(envelope_schema_json)
    names = {f["name"] for f in schema.get("fields", [])} if isinstance(schema, dict) else set()
    return {"op", "source"} <= names and bool({"before", "after"} & names)


def _variable_scale_decimal(scale: int | None, value: bytes | None) -> str | None:
    if scale is None or value is None:
        return None
    unscaled = int.from_bytes(value, "big", signed=True)
    return str(Decimal(unscaled).scaleb(-scale))


_vsd_udf = F.udf(lambda scale, value: _variable_scale_decimal(scale, value), StringType())


def convert(column: Column, avro_type: Any) -> Column:
    """Debezium's wire representation → the exact Spark type (never through a float)."""
    name = avro_type.get("connect.name") if isinstance(avro_type, dict) else None
    if name == "io.debezium.time.Date":
        return F.date_from_unix_date(column)
    if name == "io.debezium.time.Timestamp":
        return F.timestamp_millis(column)
    if name == "io.debezium.time.MicroTimestamp":
        return F.timestamp_micros(column)
    if name == "io.debezium.time.NanoTimestamp":
        return F.timestamp_micros(F.floor(column / 1000).cast("long"))
    if name == "io.debezium.time.ZonedTimestamp":
        # ISO-8601 with offset, up to microseconds: an exact cast to a UTC instant
        return column.cast("timestamp")
    if name == "io.debezium.data.VariableScaleDecimal":
        # numeric without a declared scale: exact decimal text, any scale
        return _vsd_udf(column["scale"], column["value"])
    return column


def _order_columns(columns: dict[str, Column], before: dict[str, Column]) -> dict[str, Column]:
    """An order's amount, and what its status was before this change and for how long."""
    out: dict[str, Column] = {}
    if "quantity" in columns and "unit_price" in columns and "amount" not in columns:
        # decimal × integer stays an exact decimal
        out["amount"] = columns["quantity"] * columns["unit_price"]
    if "status" in columns and "updated_at" in columns and "status" in before and "updated_at" in before:
        changed = before["status"].isNotNull() & (before["status"] != columns["status"])
        micros = F.unix_micros(columns["updated_at"]) - F.unix_micros(before["updated_at"])
        out["previous_status"] = F.when(changed, before["status"])
        out["time_in_previous_status_s"] = F.when(
            changed, (micros.cast(DecimalType(20, 0)) / F.lit(1_000_000)).cast(DecimalType(20, 6))
        )
    return out


@dataclass(frozen=True)
class DerivedSpec:
    """A table's derived business columns: from the row image (`after`, or `before` for a delete)
    and from the `before` image's columns the spec names; each is made only when the columns it
    needs are there (a user's table of the same name may have others)."""

    columns: Callable[[dict[str, Column], dict[str, Column]], dict[str, Column]]
    before: tuple[str, ...] = ()


# The derived columns of each table, by name; every other table gets none. The names are also
# written to each silver table's mdp.derivedColumns, which delta-check leaves out of its comparison.
DERIVED: dict[str, DerivedSpec] = {
    "orders": DerivedSpec(_order_columns, before=("status", "updated_at")),
}
NO_DERIVED = DerivedSpec(lambda columns, before: {})


def flatten(
    decoded: DataFrame, envelope_schema_json: str, envelope_column: str = "env", table: str | None = None
) -> DataFrame:
    """Decoded envelopes (with the Kafka columns) → one flat change row each, with `table`'s derived columns."""
    env = F.col(envelope_column)
    fields = row_fields(envelope_schema_json)
    source_fields = set(decoded.schema[envelope_column].dataType["source"].dataType.fieldNames())
    is_delete = env["op"] == F.lit("d")
    image = F.when(is_delete, env["before"]).otherwise(env["after"])
    columns = {name: convert(image[name], avro_type) for name, avro_type in fields}
    derive = DERIVED.get(table or "", NO_DERIVED)
    # the before image matters only for the derived columns
    before = {name: convert(env["before"][name], avro_type) for name, avro_type in fields if name in derive.before}
    if "ts_us" in source_fields:
        commit_ts = F.timestamp_micros(env["source"]["ts_us"])
    else:
        commit_ts = F.timestamp_millis(env["source"]["ts_ms"])
    kinds = F.create_map(*[F.lit(x) for pair in CHANGE_TYPES.items() for x in pair])
    change_type = F.coalesce(kinds[env["op"]], env["op"])
    meta = {
        "_change_type": change_type,
        "_lsn": env["source"]["lsn"].cast("long") if "lsn" in source_fields else F.lit(None).cast("long"),
        "_tx_id": env["source"]["txId"].cast("long") if "txId" in source_fields else F.lit(None).cast("long"),
        "_commit_ts": commit_ts,
        # where a snapshot row sits in its snapshot (Debezium's marker); NULL for a streamed change
        "_snapshot": (
            F.when(env["op"] == F.lit("r"), env["source"]["snapshot"])
            if "snapshot" in source_fields
            else F.lit(None).cast("string")
        ),
    }
    derived = derive.columns(columns, before)
    return decoded.select(
        *[F.col(c) for c in KAFKA_COLUMNS],
        *[col.alias(name) for name, col in meta.items()],
        *[col.alias(name) for name, col in columns.items()],
        *[col.alias(name) for name, col in derived.items()],
    )
