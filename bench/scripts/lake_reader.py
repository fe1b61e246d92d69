"""The storage options of Python deltalake for the lake on MinIO, with the read-only key
(S3_READER_ACCESS_KEY/S3_READER_SECRET_KEY at S3_ENDPOINT): shared by the bench's scripts."""

import os


def storage_options() -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": os.environ["S3_ENDPOINT"],
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": os.environ["S3_READER_ACCESS_KEY"],
        "AWS_SECRET_ACCESS_KEY": os.environ["S3_READER_SECRET_KEY"],
    }
