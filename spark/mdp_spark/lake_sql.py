"""SQL over the lake's Delta tables without a JVM (Python deltalake's DataFusion engine), read-only.

    pnpm lake:sql "SELECT status, count(*) AS orders, sum(amount) AS revenue FROM silver.orders GROUP BY status"
    pnpm lake:sql --json - "SELECT * FROM bronze.orders_changes ORDER BY _kafka_offset DESC LIMIT 5"

Every Delta table of the lake is a table <folder>.<name>: silver.<table>, bronze.<table>_changes,
quarantine.cdc_errors (the tables a query names are loaded, at their newest version).

Options:
  --json FILE   also write the rows as JSON to FILE; - puts them alone on stdout
  --root URI    another lake: a directory, or s3://bucket (default s3://$S3_BUCKET)
  -h, --help    this text

Environment (eval "$(pnpm -s stack:env)"): S3_ENDPOINT, S3_BUCKET, and the read-only key
S3_READER_ACCESS_KEY/S3_READER_SECRET_KEY (else S3_ACCESS_KEY/S3_SECRET_KEY).
Exit codes: 0 answered; 2 bad usage, or a query the engine refused (its message says why);
3 the lake could not be read (a setting missing, MinIO down: the message says what to do).
"""

import argparse
import datetime
import decimal
import json
import os
import re
import sys

import pyarrow as pa

from .check_tables import storage_options

FOLDERS = ("silver", "bronze", "quarantine")


class LakeError(Exception):
    """The lake could not be read (exit 3)."""


class QueryError(Exception):
    """The query names a table that is not there, or the engine refused it (exit 2)."""


def list_tables(root: str, options: dict[str, str]) -> dict[str, str]:
    """`<folder>.<name>` → URI of every Delta table (a folder with a _delta_log) under the lake's folders."""
    tables = {}
    for folder in FOLDERS:
        for name, uri in _folders(root, folder, options):
            if _is_delta(uri, options):
                tables[f"{folder}.{name}"] = uri
    return tables


def _folders(root: str, folder: str, options: dict[str, str]):
    if not root.startswith("s3://"):
        base = os.path.join(root, folder)
        if not os.path.isdir(base):
            return []
        return [(name, os.path.join(base, name)) for name in sorted(os.listdir(base))]
    import pyarrow.fs as pafs

    endpoint = options["AWS_ENDPOINT_URL"]
    fs = pafs.S3FileSystem(
        endpoint_override=endpoint,
        access_key=options["AWS_ACCESS_KEY_ID"],
        secret_key=options["AWS_SECRET_ACCESS_KEY"],
        region="us-east-1",
        scheme=endpoint.split("://")[0],
        connect_timeout=5,
        request_timeout=10,
    )
    bucket = root.removeprefix("s3://")
    try:
        entries = fs.get_file_info(pafs.FileSelector(f"{bucket}/{folder}", allow_not_found=True))
    except OSError as err:
        raise LakeError(
            f"could not list s3://{bucket}/{folder} at {endpoint}: {err}. "
            "Is the stack up? pnpm stack:status; MinIO's log: pnpm stack:logs minio"
        ) from err
    dirs = sorted(e.path for e in entries if e.type == pafs.FileType.Directory)
    return [(path.rsplit("/", 1)[-1], f"s3://{path}") for path in dirs]


def _is_delta(uri: str, options: dict[str, str]) -> bool:
    from deltalake import DeltaTable

    return DeltaTable.is_deltatable(uri, storage_options=options)


def query(root: str, options: dict[str, str], sql: str) -> pa.Table:
    """The answer to `sql`, with every table of the lake folders it names registered as <folder>.<name>."""
    from deltalake import DeltaTable, QueryBuilder

    folders = {f.lower() for f in re.findall(rf"\b({'|'.join(FOLDERS)})\.\w", sql, re.IGNORECASE)}
    tables = list_tables(root, options) if folders else {}
    builder = QueryBuilder()
    for folder in sorted(folders):
        builder.execute(f"CREATE SCHEMA {folder}").read_all()
    for name, uri in tables.items():
        if name.split(".")[0] in folders:
            builder.register(name, DeltaTable(uri, storage_options=options))
    try:
        return pa.table(builder.execute(sql).read_all())
    except Exception as err:  # the engine's planning and execution errors carry the reason
        message = str(err).strip()
        if "not found" in message:
            message += f"; the lake ({root}) has: {', '.join(sorted(tables)) or 'no table yet'}"
        raise QueryError(message) from err


def _jsonable(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def rows_of(table: pa.Table) -> list[dict]:
    """The rows as JSON-ready dicts: decimals as exact strings, times in ISO 8601, bytes in hex."""
    return [_jsonable(row) for row in table.to_pylist()]


def format_table(table: pa.Table) -> str:
    """The rows as an aligned text table, with a row count."""
    names = table.column_names
    cells = [["NULL" if v is None else str(v) for v in row.values()] for row in rows_of(table)]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]

    def line(values: list[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(names), "-+-".join("-" * w for w in widths)] + [line(r) for r in cells]
    out.append(f"({len(cells)} row{'' if len(cells) == 1 else 's'})")
    return "\n".join(out) + "\n"


def main(argv: list[str], env=os.environ) -> int:
    parser = argparse.ArgumentParser(prog="lake:sql", add_help=False)
    parser.add_argument("sql", nargs="*")
    parser.add_argument("--json")
    parser.add_argument("--root")
    parser.add_argument("-h", "--help", action="store_true")
    args, unknown = parser.parse_known_args(argv[1:] if argv[:1] == ["--"] else argv)  # pnpm's leading --
    if args.help:
        sys.stdout.write(__doc__.lstrip())
        return 0
    sql = " ".join(args.sql).strip()
    if unknown or not sql:
        problem = f"unknown option {' '.join(unknown)}" if unknown else "no query given"
        sys.stderr.write(f"lake:sql: {problem}; allowed: --json FILE, --root URI, --help\n")
        return 2
    try:
        if args.root and not args.root.startswith("s3://"):
            root, options = args.root, {}
        else:
            missing = [
                n for n in ("S3_ENDPOINT", "S3_BUCKET") if not env.get(n) and not (n == "S3_BUCKET" and args.root)
            ]
            if not (env.get("S3_READER_ACCESS_KEY") and env.get("S3_READER_SECRET_KEY")):
                missing += [n for n in ("S3_ACCESS_KEY", "S3_SECRET_KEY") if not env.get(n)]
            if missing:
                raise LakeError(f'{", ".join(missing)} not set: eval "$(pnpm -s stack:env)"')
            root, options = args.root or f"s3://{env['S3_BUCKET']}", storage_options(env)
        answer = query(root, options, sql)
    except QueryError as err:
        sys.stderr.write(f"lake:sql: {err}\n")
        return 2
    except LakeError as err:
        sys.stderr.write(f"lake:sql: {err}\n")
        return 3
    human = format_table(answer)
    if args.json == "-":
        sys.stderr.write(human)
        sys.stdout.write(json.dumps(rows_of(answer), indent=2) + "\n")
        return 0
    sys.stdout.write(human)
    if args.json:
        with open(args.json, "w") as out:
            out.write(json.dumps(rows_of(answer), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
