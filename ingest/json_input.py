"""JSON from outside: every way a payload can fail to parse becomes a `Rejected`."""

import json
from typing import Any

from ingest.rejection import Rejected


def parse_json(raw: bytes) -> Any:
    """Parse UTF-8 JSON; invalid or absurdly nested input is refused, not a crash."""
    try:
        return json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as error:
        raise Rejected(f"invalid JSON: {error}") from error
    except RecursionError as error:
        raise Rejected("JSON nested too deeply to read") from error
