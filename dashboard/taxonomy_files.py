"""The Рубрикатор page's file: the rubricator as pretty JSON, and an uploaded file read back."""

import json
from typing import Any

from sqlmodel import Session

from triage.taxonomy import export_taxonomy

FILE_NAME = "taxonomy.json"
MIME_TYPE = "application/json"


def export_bytes(session: Session) -> bytes:
    """The whole rubricator, inactive items included, as UTF-8 JSON a person can read."""
    return json.dumps(export_taxonomy(session), ensure_ascii=False, indent=2).encode("utf-8")


def read_document(data: bytes) -> Any:
    """An uploaded file's JSON; ValueError with a reason in Russian when it is not JSON.

    Whether it is a rubricator is `triage.taxonomy.import_taxonomy`'s to say.
    """
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ValueError("файл не в кодировке UTF-8") from error
    except json.JSONDecodeError as error:
        raise ValueError(
            f"это не JSON (строка {error.lineno}, столбец {error.colno}: {error.msg})"
        ) from error
