"""Decoding, flattening, bronze/silver/quarantine writes, on a local SparkSession and local Delta."""

import json
import logging
import struct
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from debezium import KEY_SCHEMA, RENAMED_KEY_SCHEMA, TOPIC, altered_order, envelope_schema, event, frame, order
from deltalake import DeltaTable as PyDeltaTable
from mdp_spark import lake_sql
from mdp_spark.decode import decode_batch
from mdp_spark.errors import RegistryUnavailableError, SchemaNotFoundError
from mdp_spark.job import BatchWriter, Layout
from mdp_spark.registry import SchemaRegistry
from mdp_spark.replay import replay_quarantine
from pyspark.sql import functions as F
from pyspark.sql.types import BinaryType, IntegerType, LongType, StringType, StructField, StructType, TimestampType

V1, V2, V3, V4, KEY, KEY2, MISSING = 11, 12, 13, 14, 10, 15, 99
RAW_SCHEMA = StructType(
    [
        StructField("topic", StringType()),
        StructField("partition", IntegerType()),
        StructField("offset", LongType()),
        StructField("timestamp", TimestampType()),
        StructField("key", BinaryType()),
        StructField("value", BinaryType()),
    ]
)
KAFKA_TS = datetime(2026, 11, 24, 14, 26, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def registry(schema_store):
    schema_store.register(V1, envelope_schema())
    schema_store.register(V2, envelope_schema(extra_columns=True))
    schema_store.register(V3, envelope_schema(altered=True))
    schema_store.register(V4, envelope_schema(key_renamed=True))
    schema_store.register(KEY2, RENAMED_KEY_SCHEMA)
    schema_store.register(KEY, KEY_SCHEMA)
    return SchemaRegistry(schema_store.url, attempts=2)


def key(order_id: int) -> bytes:
    return frame(KEY, KEY_SCHEMA, {"id": order_id})


def raw(spark, values: list[tuple[int | None, bytes | None]], start: int = 0):
    """values: (order id for the key or None for no key, value bytes or None for a tombstone), offsets from `start`."""
    rows = [(TOPIC, 0, start + i, KAFKA_TS, None if k is None else key(k), v) for i, (k, v) in enumerate(values)]
    return spark.createDataFrame(rows, RAW_SCHEMA)


def v1(ev: dict) -> bytes:
    return frame(V1, envelope_schema(), ev)


def v2(ev: dict) -> bytes:
    return frame(V2, envelope_schema(extra_columns=True), ev)


def v3(ev: dict) -> bytes:
    return frame(V3, envelope_schema(altered=True), ev)


def silver_rows(spark, layout, table="orders"):
    return {r["id"]: r for r in spark.read.format("delta").load(layout.silver(table)).collect()}


def test_decodes_confluent_framed_avro_exactly_and_quarantines_the_rest(spark, registry):
    batch = raw(
        spark,
        [
            (1, v1(event("c", 100, after=order(1)))),
            (
                1,
                v2(
                    event(
                        "u",
                        200,
                        before=order(1),
                        after=order(1, status="paid", extra=True, note="gift", updated_at="2026-11-24T15:26:08.5Z"),
                    )
                ),
            ),
            (1, None),  # a tombstone: skipped, not quarantined
            (2, b"not avro at all"),
            (3, b"\x00" + struct.pack(">I", MISSING) + b"\x02"),
            (4, b"\x00" + struct.pack(">I", V1) + b"\xff\xff\xff"),
        ],
    )
    decoded = decode_batch(batch, registry)
    changes = decoded.tables["orders"].changes.orderBy("_kafka_offset").collect()
    assert decoded.tables["orders"].key_columns == ["id"]
    assert [c["_change_type"] for c in changes] == ["insert", "update"]
    first, second = changes
    assert first["unit_price"] == Decimal("12.34")
    assert first["amount"] == Decimal("37.02")
    assert first["ship_date"] == date(2024, 10, 4)
    assert first["placed_at"] == datetime(2025, 11, 24, 16, 0, 0, 123456)
    assert first["updated_at"] == datetime(2026, 11, 24, 14, 26, 7, 123456)
    assert first["big"] == 2**62 + 1
    assert first["_lsn"] == 100 and first["_tx_id"] == 900
    assert first["_commit_ts"] == datetime(2026, 11, 24, 14, 26, 7, 654321)
    assert first["note"] is None  # written before the column existed
    assert second["note"] == "gift" and second["_schema_id"] == V2
    assert second["previous_status"] == "placed"
    assert second["time_in_previous_status_s"] == Decimal("3601.376544")
    quarantined = {}
    for frame_ in decoded.quarantine:
        for row in frame_.collect():
            quarantined[row["offset"]] = row
    assert sorted(quarantined) == [3, 4, 5]
    assert quarantined[3]["error_code"] == "NOT_FRAMED" and quarantined[3]["value"] == b"not avro at all"
    assert quarantined[4]["error_code"] == "SCHEMA_NOT_FOUND" and quarantined[4]["schema_id"] == MISSING
    assert quarantined[5]["error_code"] == "UNDECODABLE" and quarantined[5]["topic"] == TOPIC


def test_derived_columns_are_declared_per_table_not_guessed_from_column_names(spark, registry):
    """The same row shape under another table's topic gets no amount or previous status: only the
    tables of transform.DERIVED get derived columns, whatever columns another table has."""
    changes = [
        (1, v1(event("c", 100, after=order(1)))),
        (1, v1(event("u", 120, before=order(1), after=order(1, status="paid")))),
    ]
    lines = raw(spark, changes).withColumn("topic", F.lit("mdp.public.order_lines"))
    decoded = decode_batch(lines, registry).tables["order_lines"]
    assert decoded.derived == []
    assert not {"amount", "previous_status", "time_in_previous_status_s"} & set(decoded.changes.columns)
    orders = decode_batch(raw(spark, changes), registry).tables["orders"]
    assert orders.derived == ["amount", "previous_status", "time_in_previous_status_s"]


def test_silver_keeps_the_newest_lsn_applies_deletes_and_ignores_replays(spark, registry, tmp_path):
    layout = Layout(str(tmp_path))
    writer = BatchWriter(spark, registry, layout, logging.getLogger("test"), app_id="q1")
    first = [
        (1, v1(event("c", 100, after=order(1)))),
        (2, v1(event("c", 110, after=order(2)))),
        (1, v1(event("u", 130, before=order(1), after=order(1, status="cancelled")))),
        (1, v1(event("u", 120, before=order(1), after=order(1, status="paid")))),  # older LSN, later offset
        (2, v1(event("d", 140, before=order(2)))),
        (2, None),
        (3, v1(event("r", 90, after=order(3, quantity=2, unit_price="0.10")))),
    ]
    writer(raw(spark, first), 0)
    rows = silver_rows(spark, layout)
    assert sorted(rows) == [1, 3]
    assert rows[1]["status"] == "cancelled" and rows[1]["_lsn"] == 130
    assert rows[3]["amount"] == Decimal("0.20") and rows[3]["_change_type"] == "snapshot"

    # The same events again, as a new batch (a checkpoint lost, a topic re-read): nothing changes,
    # and the order deleted at LSN 140 does not come back.
    writer(raw(spark, first, start=100), 1)
    assert silver_rows(spark, layout) == rows
    writer(raw(spark, [(1, v1(event("u", 125, before=order(1), after=order(1, status="shipped"))))], start=200), 2)
    assert silver_rows(spark, layout) == rows

    # A newer change wins; a column added in PostgreSQL (schema v2) appears in silver.
    writer(
        raw(
            spark,
            [
                (
                    1,
                    v2(
                        event(
                            "u",
                            150,
                            before=order(1, status="cancelled"),
                            after=order(1, status="cancelled", extra=True, note="late"),
                        )
                    ),
                )
            ],
            start=300,
        ),
        3,
    )
    rows = silver_rows(spark, layout)
    assert rows[1]["note"] == "late" and rows[1]["_lsn"] == 150
    assert rows[3]["note"] is None

    # Any Delta reader reads silver: no deletion vectors, exact decimals.
    table = PyDeltaTable(layout.silver("orders"))
    assert table.metadata().configuration.get("delta.enableDeletionVectors") == "false"
    read = {r["id"]: r for r in table.to_pyarrow_table().to_pylist()}
    assert read[3]["unit_price"] == Decimal("0.10") and read[1]["note"] == "late"


def test_silver_follows_a_ddl_and_the_incremental_snapshot_rows_take_the_lsn_before_them(spark, registry, tmp_path):
    layout = Layout(str(tmp_path))
    writer = BatchWriter(spark, registry, layout, logging.getLogger("test"), app_id="q-ddl")
    writer(raw(spark, [(1, v1(event("c", 100, after=order(1)))), (2, v1(event("c", 110, after=order(2))))]), 0)
    derived = ["amount", "previous_status", "time_in_previous_status_s"]
    assert json.loads(PyDeltaTable(layout.silver("orders")).metadata().configuration["mdp.derivedColumns"]) == derived

    # status dropped, customer_id renamed, quantity int -> bigint; Debezium's incremental snapshot
    # re-sends every row without an LSN: row 1 in this batch alone (its LSN comes from bronze),
    # row 2 after a change in the same batch.
    wide = 2**40
    after_ddl = [
        (1, v3(event("r", None, after=altered_order(1), tx_id=None))),
        (2, v3(event("u", 120, before=altered_order(2), after=altered_order(2, quantity=wide)))),
        (2, v3(event("r", None, after=altered_order(2, quantity=wide), tx_id=None))),
    ]
    writer(raw(spark, after_ddl, start=10), 1)
    silver = spark.read.format("delta").load(layout.silver("orders"))
    source = [c for c in silver.columns if not c.startswith("_")]
    assert sorted(source) == sorted(
        ["id", "client_id", "quantity", "unit_price", "ship_date", "placed_at", "updated_at", "big", "amount"]
    )
    assert silver.schema["quantity"].dataType == LongType()
    rows = silver_rows(spark, layout)
    assert (rows[1]["client_id"], rows[1]["_change_type"], rows[1]["_lsn"]) == (7, "snapshot", 110)
    assert (rows[2]["quantity"], rows[2]["_change_type"], rows[2]["_lsn"]) == (wide, "snapshot", 120)
    assert rows[2]["amount"] == Decimal("12.34") * wide
    assert json.loads(PyDeltaTable(layout.silver("orders")).metadata().configuration["mdp.derivedColumns"]) == [
        "amount"
    ]

    # Bronze, a change log, keeps the old columns, widens quantity, and stays readable without Spark.
    bronze = PyDeltaTable(layout.bronze("orders"))
    events = sorted(bronze.to_pyarrow_table().to_pylist(), key=lambda r: r["_kafka_offset"])
    assert [(e["_change_type"], e["_lsn"]) for e in events] == [
        ("insert", 100),
        ("insert", 110),
        ("snapshot", 110),
        ("update", 120),
        ("snapshot", 120),
    ]
    assert events[0]["status"] == "placed" and events[3]["quantity"] == wide and events[2]["status"] is None

    # A newer change wins over the snapshot; the snapshot row re-delivered later does not undo it.
    writer(
        raw(spark, [(1, v3(event("u", 130, before=altered_order(1), after=altered_order(1, quantity=5))))], start=20), 2
    )
    writer(raw(spark, after_ddl[:1], start=10), 3)
    assert silver_rows(spark, layout)[1]["quantity"] == 5


def test_a_renamed_primary_key_empties_silver_for_the_snapshot_to_refill(spark, registry, tmp_path):
    layout = Layout(str(tmp_path))
    writer = BatchWriter(spark, registry, layout, logging.getLogger("test"), app_id="q-rekey")
    writer(raw(spark, [(1, v1(event("c", 100, after=order(1)))), (2, v1(event("c", 110, after=order(2))))]), 0)
    resent = []
    for n in (1, 2):
        row = order(n)
        row["order_no"] = row.pop("id")
        value = frame(V4, envelope_schema(key_renamed=True), event("r", None, after=row, tx_id=None))
        resent.append((TOPIC, 0, 10 + n, KAFKA_TS, frame(KEY2, RENAMED_KEY_SCHEMA, {"order_no": n}), value))
    writer(spark.createDataFrame(resent, RAW_SCHEMA), 1)
    silver = spark.read.format("delta").load(layout.silver("orders"))
    assert "id" not in silver.columns
    assert sorted((r["order_no"], r["_lsn"]) for r in silver.collect()) == [(1, 110), (2, 110)]


def test_a_truncate_empties_silver_and_what_came_before_it_never_returns(spark, registry, tmp_path):
    layout = Layout(str(tmp_path))
    writer = BatchWriter(spark, registry, layout, logging.getLogger("test"), app_id="q4")
    before = [(1, v1(event("c", 100, after=order(1)))), (2, v1(event("c", 110, after=order(2))))]
    writer(raw(spark, before), 0)
    assert sorted(silver_rows(spark, layout)) == [1, 2]
    # Debezium's TRUNCATE event has no Kafka key; an insert after it in the same batch stays
    writer(raw(spark, [(None, v1(event("t", 150))), (3, v1(event("c", 160, after=order(3))))], start=10), 1)
    assert sorted(silver_rows(spark, layout)) == [3]
    # a batch of only a TRUNCATE (no key schema in it at all)
    writer(raw(spark, [(None, v1(event("t", 200)))], start=20), 2)
    assert silver_rows(spark, layout) == {}
    # the rows from before the TRUNCATEs re-delivered (at-least-once): they do not come back
    writer(raw(spark, before, start=30), 3)
    assert silver_rows(spark, layout) == {}
    bronze = spark.read.format("delta").load(layout.bronze("orders"))
    assert [r["_change_type"] for r in bronze.orderBy("_kafka_offset").collect()] == [
        "insert",
        "insert",
        "truncate",
        "insert",
        "truncate",
        "insert",
        "insert",
    ]


def test_a_snapshot_taken_again_removes_the_rows_deleted_while_no_slot_recorded_them(spark, registry, tmp_path):
    layout = Layout(str(tmp_path))
    writer = BatchWriter(spark, registry, layout, logging.getLogger("test"), app_id="q-resnapshot")
    streamed = [(n, v1(event("c", 100 + n, after=order(n)))) for n in (1, 2, 3)]
    writer(raw(spark, streamed), 0)
    # The slot was lost: row 2 deleted, row 3 updated, row 4 inserted unseen. Debezium snapshots the
    # table again at LSN 500, across two batches: nothing goes before its last row.
    writer(
        raw(
            spark,
            [
                (1, v1(event("r", 500, after=order(1), snapshot="first"))),
                (3, v1(event("r", 500, after=order(3, status="paid")))),
            ],
            start=10,
        ),
        1,
    )
    assert sorted(silver_rows(spark, layout)) == [1, 2, 3]
    writer(
        raw(
            spark,
            [
                (4, v1(event("r", 500, after=order(4), snapshot="last_in_data_collection"))),
                (1, v1(event("u", 510, before=order(1), after=order(1, status="shipped")))),
            ],
            start=20,
        ),
        2,
    )
    rows = silver_rows(spark, layout)
    assert {n: (r["status"], r["_lsn"]) for n, r in rows.items()} == {
        1: ("shipped", 510),
        3: ("paid", 500),
        4: ("placed", 500),
    }
    # row 2's insert re-delivered: it does not come back
    writer(raw(spark, streamed[1:2], start=30), 3)
    assert sorted(silver_rows(spark, layout)) == [1, 3, 4]
    bronze = spark.read.format("delta").load(layout.bronze("orders"))
    assert [r["_snapshot"] for r in bronze.orderBy("_kafka_offset").collect()] == [
        None,
        None,
        None,
        "first",
        "true",
        "last_in_data_collection",
        None,
        None,
    ]
    assert "_snapshot" not in spark.read.format("delta").load(layout.silver("orders")).columns


def stored_data_files(path: str) -> int:
    return sum(1 for f in Path(path).rglob("*.parquet") if "_delta_log" not in f.parts)


def test_every_nth_write_of_a_table_compacts_its_small_files_and_vacuums_the_replaced_ones(spark, registry, tmp_path):
    layout = Layout(str(tmp_path))
    writer = BatchWriter(
        spark, registry, layout, logging.getLogger("test"), app_id="q-compact", compact_every=3, retain_hours=0
    )
    for batch in range(3):
        ids = (2 * batch + 1, 2 * batch + 2)
        writer(raw(spark, [(n, v1(event("c", 100 + n, after=order(n)))) for n in ids], start=10 * batch), batch)
        if batch == 1:
            assert len(PyDeltaTable(layout.bronze("orders")).file_uris()) >= 2
            assert stored_data_files(layout.bronze("orders")) >= 2
    for path in (layout.bronze("orders"), layout.silver("orders")):
        table = PyDeltaTable(path)
        assert len(table.file_uris()) == 1, path
        assert stored_data_files(path) == 1, path  # the files the compaction replaced are deleted
        assert "OPTIMIZE" in [h["operation"] for h in table.history(3)]
    bronze = PyDeltaTable(layout.bronze("orders")).to_pyarrow_table().to_pylist()
    assert sorted(r["id"] for r in bronze) == [1, 2, 3, 4, 5, 6]
    assert sorted(silver_rows(spark, layout)) == [1, 2, 3, 4, 5, 6]


def test_bronze_and_quarantine_write_each_batch_once(spark, registry, tmp_path):
    layout = Layout(str(tmp_path))
    writer = BatchWriter(spark, registry, layout, logging.getLogger("test"), app_id="q2")
    writer.create_quarantine()  # as the job does at start: readers find the table before any error
    empty = spark.read.format("delta").load(layout.quarantine)
    assert empty.count() == 0 and empty.columns[-1] == "batch_id" and "error_code" in empty.columns
    batch = raw(
        spark,
        [
            (1, v1(event("c", 100, after=order(1)))),
            (1, v1(event("u", 120, before=order(1), after=order(1, status="paid")))),
            (1, v1(event("d", 130, before=order(1, status="paid")))),
            (1, None),
            (9, b"garbage"),
        ],
    )
    writer(batch, 7)
    versions = PyDeltaTable(layout.bronze("orders")).version()
    writer(batch, 7)  # the same batch id again, as after a crash mid-batch
    bronze = spark.read.format("delta").load(layout.bronze("orders"))
    assert bronze.count() == 3
    assert [r["_change_type"] for r in bronze.orderBy("_kafka_offset").collect()] == ["insert", "update", "delete"]
    assert PyDeltaTable(layout.bronze("orders")).version() == versions
    # the undecodable record is in the quarantine table once, with where it was read and why
    quarantined = spark.read.format("delta").load(layout.quarantine).collect()
    assert [(q["topic"], q["partition"], q["offset"], q["error_code"], q["batch_id"]) for q in quarantined] == [
        (TOPIC, 0, 4, "NOT_FRAMED", 7)
    ]
    assert quarantined[0]["error"] and quarantined[0]["value"] == b"garbage"
    assert silver_rows(spark, layout) == {}
    # a different query (a new checkpoint) is a different writer: its batch 7 is new
    BatchWriter(spark, registry, layout, logging.getLogger("test"), app_id="q3")(batch, 7)
    assert spark.read.format("delta").load(layout.bronze("orders")).count() == 6


def test_registry_errors_have_codes(schema_store):
    registry = SchemaRegistry(schema_store.url, attempts=2)
    with pytest.raises(SchemaNotFoundError) as missing:
        registry.schema(MISSING)
    assert missing.value.code == "SCHEMA_NOT_FOUND" and not missing.value.retriable
    down = SchemaRegistry("http://127.0.0.1:9/apis/ccompat/v7", attempts=2)
    with pytest.raises(RegistryUnavailableError) as unavailable:
        down.schema(1)
    assert unavailable.value.code == "REGISTRY_UNAVAILABLE" and unavailable.value.retriable


def test_an_unchanged_toasted_value_keeps_its_value_in_silver_never_the_placeholder(spark, registry, tmp_path):
    layout = Layout(str(tmp_path))
    writer = BatchWriter(spark, registry, layout, logging.getLogger("test"), app_id="q5")
    unavailable = "__debezium_unavailable_value"
    long_note = "x" * 9000
    # Replica identity DEFAULT: an update that leaves a TOASTed column alone sends the placeholder.
    writer(
        raw(
            spark,
            [
                (1, v2(event("c", 100, after=order(1, extra=True, note=long_note)))),
                (1, v2(event("u", 110, after=order(1, status="paid", extra=True, note=unavailable)))),
                (2, v2(event("c", 120, after=order(2, extra=True, note=None)))),
                (2, v2(event("u", 130, after=order(2, status="paid", extra=True, note=unavailable)))),
            ],
        ),
        0,
    )
    rows = silver_rows(spark, layout)
    assert rows[1]["status"] == "paid" and rows[1]["note"] == long_note
    assert rows[2]["status"] == "paid" and rows[2]["note"] is None
    # In a later batch the value comes from silver itself; a real change replaces it.
    writer(
        raw(
            spark,
            [
                (1, v2(event("u", 140, after=order(1, status="shipped", extra=True, note=unavailable)))),
                (2, v2(event("u", 150, after=order(2, status="shipped", extra=True, note="short")))),
            ],
            start=10,
        ),
        1,
    )
    rows = silver_rows(spark, layout)
    assert (rows[1]["status"], rows[1]["note"]) == ("shipped", long_note)
    assert (rows[2]["status"], rows[2]["note"]) == ("shipped", "short")
    bronze = spark.read.format("delta").load(layout.bronze("orders"))
    assert bronze.where(f"note = '{unavailable}'").count() == 3  # bronze keeps the events as sent


def test_a_key_that_cannot_be_read_is_quarantined_and_replayed_once_its_schema_is_back(spark, schema_store, tmp_path):
    late_key = 77  # a key schema the registry does not have yet
    schema_store.register(V1, envelope_schema())
    registry = SchemaRegistry(schema_store.url, attempts=2)
    layout = Layout(str(tmp_path))
    log = logging.getLogger("test")
    writer = BatchWriter(spark, registry, layout, log, app_id="q6")
    rows = [
        (TOPIC, 0, 0, KAFKA_TS, frame(late_key, KEY_SCHEMA, {"id": 1}), v1(event("c", 100, after=order(1)))),
        (TOPIC, 0, 1, KAFKA_TS, b"not framed", v1(event("c", 110, after=order(2)))),
    ]
    writer(spark.createDataFrame(rows, RAW_SCHEMA), 0)
    # Neither reaches bronze or silver keyless: both wait in quarantine, saying why.
    codes = {q["offset"]: q["error_code"] for q in spark.read.format("delta").load(layout.quarantine).collect()}
    assert codes == {0: "KEY_SCHEMA_NOT_FOUND", 1: "KEY_NOT_FRAMED"}
    assert not PyDeltaTable.is_deltatable(layout.silver("orders"))

    schema_store.register(late_key, KEY_SCHEMA)  # the cause fixed for one of them
    assert replay_quarantine(spark, registry, layout, log) == {"replayed": 1, "left": 1}
    assert sorted(silver_rows(spark, layout)) == [1]
    assert spark.read.format("delta").load(layout.bronze("orders")).count() == 1
    left = spark.read.format("delta").load(layout.quarantine).collect()
    assert [(q["offset"], q["error_code"]) for q in left] == [(1, "KEY_NOT_FRAMED")]
    # Run again: nothing more decodes, nothing is written twice.
    assert replay_quarantine(spark, registry, layout, log) == {"replayed": 0, "left": 1}
    assert spark.read.format("delta").load(layout.bronze("orders")).count() == 1


def test_lake_sql_answers_as_spark_sql_does_on_the_same_tables(spark, registry, tmp_path, capsys):
    """pnpm lake:sql (Python deltalake's DataFusion, no JVM) reads the job's tables as Spark SQL does."""
    layout = Layout(str(tmp_path))
    writer = BatchWriter(spark, registry, layout, logging.getLogger("test"), app_id="q-sql")
    changes = [
        (1, v1(event("c", 100, after=order(1)))),
        (2, v1(event("c", 110, after=order(2, quantity=2, unit_price="0.10")))),
        (1, v1(event("u", 120, before=order(1), after=order(1, status="paid")))),
        (3, v1(event("c", 130, after=order(3)))),
        (3, v1(event("d", 140, before=order(3)))),
        (9, b"garbage"),
    ]
    writer(raw(spark, changes), 0)
    (tmp_path / "silver" / "not_a_table").mkdir()
    queries = [
        "SELECT id, status, amount, _lsn FROM {silver} ORDER BY id",
        "SELECT _change_type, count(*) AS n FROM {bronze} GROUP BY _change_type ORDER BY _change_type",
        "SELECT error_code, count(*) AS n FROM {quarantine} GROUP BY error_code",
        "SELECT s.status, count(*) AS changes FROM {silver} s JOIN {bronze} b ON s.id = b.id"
        " GROUP BY s.status ORDER BY s.status",
    ]
    spark_names = {
        "silver": f"delta.`{layout.silver('orders')}`",
        "bronze": f"delta.`{layout.bronze('orders')}`",
        "quarantine": f"delta.`{layout.quarantine}`",
    }
    lake_names = {"silver": "silver.orders", "bronze": "bronze.orders_changes", "quarantine": "quarantine.cdc_errors"}
    for sql in queries:
        by_spark = [tuple(row) for row in spark.sql(sql.format(**spark_names)).collect()]
        by_lake = [
            tuple(row.values()) for row in lake_sql.query(str(tmp_path), {}, sql.format(**lake_names)).to_pylist()
        ]
        assert by_lake == by_spark, sql
    assert by_spark  # the last query (the join) had rows to compare

    # The CLI: an aligned table (or JSON alone on stdout), a table the lake lacks named with the ones it has.
    assert lake_sql.main(["--root", str(tmp_path), "SELECT id, amount FROM silver.orders ORDER BY id"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(2 rows)"
    assert lake_sql.main(["--root", str(tmp_path), "--json", "-", "SELECT amount FROM silver.orders WHERE id = 2"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"amount": "0.20"}]
    assert lake_sql.main(["--root", str(tmp_path), "SELECT * FROM silver.not_a_table"]) == 2
    assert "has: bronze.orders_changes, quarantine.cdc_errors, silver.orders" in capsys.readouterr().err
    assert lake_sql.main(["--root", str(tmp_path), "SELEC 1"]) == 2
    assert lake_sql.main(["SELECT 1"], env={}) == 3
    assert "S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY not set" in capsys.readouterr().err
