"""Counts the data files of Delta tables on MinIO for `pnpm soak`.

Usage: spark/bin/python.sh bench/scripts/lake-files.py s3://lakehouse/silver/orders ...

Reads with the read-only key (S3_READER_ACCESS_KEY/S3_READER_SECRET_KEY at
S3_ENDPOINT). Prints one JSON object on stdout: per table URI its version and the
number of files its current version reads, or null when there is no such table.
"""

import json
import sys

from deltalake import DeltaTable
from deltalake.exceptions import TableNotFoundError
from lake_reader import storage_options


def main():
    options = storage_options()
    out = {}
    for uri in sys.argv[1:]:
        try:
            table = DeltaTable(uri, storage_options=options)
            out[uri] = {"version": table.version(), "files": len(table.file_uris())}
        except TableNotFoundError:
            out[uri] = None
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
