"""Saved VK responses: a `wall.get`, `newsfeed.search` or `wall.getComments` answer
(with or without the `{"response": …}` envelope), or a JSON list of them."""

from collections.abc import Callable, Iterator
from pathlib import Path

from sqlmodel import Session

from ingest.batch import ImportResult, RawRecord, import_records
from ingest.exports.json_arrays import Damaged, iter_arrays
from ingest.json_input import parse_json
from ingest.rejection import Rejected
from ingest.vk.adapt import adapt_vk_post, adapt_vk_thread
from models.post import PostCreate


def import_vk_dump(
    session: Session,
    *,
    source_id: int,
    path: Path,
    lemmatize: Callable[[str], str] | None = None,
    on_record: Callable[[], None] | None = None,
) -> ImportResult:
    return import_records(
        session,
        source_id=source_id,
        records=read_dump(path),
        adapt=adapt_dump_item,
        lemmatize=lemmatize,
        on_record=on_record,
    )


def read_dump(path: Path) -> Iterator[RawRecord]:
    """Every item of every `items` array in the file, streamed."""
    found = False
    with path.open("rb") as stream:
        for piece in iter_arrays(stream, "items"):
            found = True
            refused = piece.reason if isinstance(piece, Damaged) else None
            yield RawRecord(raw=piece.raw, origin=f"{path}@{piece.offset}", refused=refused)
    if not found:
        reason = "no VK `items` array in the file: not a saved wall.get/newsfeed.search response"
        yield RawRecord(raw=path.read_bytes(), origin=str(path), refused=reason)


def dump_owner(path: Path) -> str | None:
    """The VK owner id of the one page every item of the file belongs to (a page's `wall.get`
    or `wall.getComments`); None for a search across pages, or a file without owners."""
    owners: set[str] = set()
    for record in read_dump(path):
        if record.refused is not None:
            continue
        try:
            item = parse_json(record.raw)
        except (Rejected, ValueError):  # quarantined by the import itself
            continue
        owner = item.get("owner_id") if isinstance(item, dict) else None
        if not isinstance(owner, int) or isinstance(owner, bool):
            return None
        owners.add(str(owner))
        if len(owners) > 1:
            return None
    return owners.pop() if owners else None


def adapt_dump_item(raw: bytes) -> list[PostCreate]:
    item = parse_json(raw)
    if isinstance(item, dict) and "post_id" in item:
        return adapt_vk_thread(item)
    return [adapt_vk_post(item)]
