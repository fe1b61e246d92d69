"""Spark SQL over the Delta tables on MinIO, read-only: one query, printed as a table.

    spark/bin/sql.sh "SELECT status, count(*) FROM delta.`s3a://lakehouse/silver/orders` GROUP BY status"
Every table of the lake is also a view: silver_<table>, bronze_<table>_changes,
quarantine_cdc_errors (so: SELECT * FROM silver_orders LIMIT 5). Reads with the
read-only key S3_READER_ACCESS_KEY/S3_READER_SECRET_KEY when set, else
S3_ACCESS_KEY/S3_SECRET_KEY; S3_ENDPOINT, S3_BUCKET (eval "$(pnpm -s stack:env)").
"""

import os
import sys

from .check_tables import storage_options
from .lake_sql import list_tables
from .session import create_session


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    missing = [n for n in ("S3_ENDPOINT", "S3_BUCKET") if not os.environ.get(n)]
    if missing:
        print(f'sql: {", ".join(missing)} not set (eval "$(pnpm -s stack:env)")', file=sys.stderr)
        return 2
    options = storage_options(os.environ)
    spark = create_session(
        "mdp-sql",
        os.environ["MDP_SPARK_JARS_DIR"],
        s3={
            "endpoint": os.environ["S3_ENDPOINT"],
            "access_key": options["AWS_ACCESS_KEY_ID"],
            "secret_key": options["AWS_SECRET_ACCESS_KEY"],
        },
        extra={"spark.driver.memory": "1g"},
    )
    try:
        for name, uri in list_tables(f"s3://{os.environ['S3_BUCKET']}", options).items():
            view = name.replace(".", "_")  # silver.orders → silver_orders
            spark.read.format("delta").load(uri.replace("s3://", "s3a://", 1)).createOrReplaceTempView(view)
        spark.sql(" ".join(argv)).show(n=1000, truncate=False)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
