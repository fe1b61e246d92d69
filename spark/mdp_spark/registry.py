"""Writer schemas by id from the registry's Confluent-compatible API, cached (ids are immutable)."""

import json
import logging
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from .errors import RegistryUnavailableError, SchemaNotFoundError

Fetch = Callable[[str], bytes]


def _http_get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


class SchemaRegistry:
    def __init__(
        self, base_url: str, *, fetch: Fetch = _http_get, attempts: int = 6, logger: logging.Logger | None = None
    ):
        self._base_url = base_url.rstrip("/")
        self._fetch = fetch
        self._attempts = attempts
        self._cache: dict[int, str] = {}
        self._log = logger or logging.getLogger("mdp_spark.registry")

    def put(self, schema_id: int, schema_json: str) -> None:
        """Seeds the cache (tests, or schemas known ahead)."""
        self._cache[schema_id] = schema_json

    def schema(self, schema_id: int) -> str:
        """The writer schema's JSON text; SchemaNotFoundError when the registry has no such id."""
        if schema_id in self._cache:
            return self._cache[schema_id]
        url = f"{self._base_url}/schemas/ids/{schema_id}"
        delay = 0.2
        for attempt in range(1, self._attempts + 1):
            try:
                body = json.loads(self._fetch(url))
                schema_json = body["schema"]
                self._cache[schema_id] = schema_json
                return schema_json
            except urllib.error.HTTPError as err:
                if err.code == 404:
                    raise SchemaNotFoundError(schema_id, self._base_url) from err
                last: Exception = err
                if err.code < 500:
                    break
            except (urllib.error.URLError, OSError, ValueError, KeyError) as err:
                last = err
            if attempt < self._attempts:
                self._log.warning(
                    "registry not answering, retrying", extra={"url": url, "attempt": attempt, "err": str(last)}
                )
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 5.0)
        raise RegistryUnavailableError(
            f"schema registry at {self._base_url} did not serve schema id {schema_id}: {last}; is it up?",
            cause=last,
        )
