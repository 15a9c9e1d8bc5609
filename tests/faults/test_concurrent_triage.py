"""Two workers triaging the same batch at once: every post is triaged exactly once, and posts
about one problem still end up in one incident (grouping is serialized per municipality)."""

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, select

from models.annotation import Annotation
from models.incident import IncidentPost
from models.post import Post
from otklik import resources
from otklik.stage_runs import annotate_batch, triage_batch
from tests.faults.conftest import Stack
from tests.faults.helpers import many_posts, stage_counts, triage_events
from tests.pipeline.helpers import COMPLAINTS

POSTS = 4 * len(COMPLAINTS)


def test_two_workers_on_the_same_ids_triage_each_post_once(stack: Stack) -> None:
    ids = annotated_posts(stack)
    runs = triage_at_once(stack, [ids, list(reversed(ids))])

    assert sorted(runs[0] + runs[1]) == sorted(ids)  # each post claimed by exactly one run
    assert stage_counts(stack.engine) == {"triaged": POSTS}
    assert triage_events(stack.engine) == {post_id: 1 for post_id in ids}


def test_two_workers_on_one_town_s_posts_group_each_problem_into_one_incident(
    stack: Stack,
) -> None:
    ids = annotated_posts(stack)
    half = len(ids) // 2  # each half holds copies of every complaint
    triage_at_once(stack, [ids[:half], ids[half:]])

    assert stage_counts(stack.engine) == {"triaged": POSTS}
    incidents = incidents_by_complaint(stack)
    assert len(incidents) >= 3, "the complaints naming a town should have opened incidents"
    assert all(len(found) == 1 for found in incidents.values()), incidents


def annotated_posts(stack: Stack) -> list[int]:
    ids = many_posts(stack.engine, POSTS)
    annotate_batch(
        stack.engine, annotator=resources.annotator(), post_ids=ids, isolate_failures=True
    )
    return ids


def triage_at_once(stack: Stack, batches: list[list[int]]) -> list[list[int]]:
    """Each batch triaged by its own thread (own connection), all at the same time."""
    tools = resources.triage_tools()

    def work(post_ids: list[int]) -> list[int]:
        outcome = triage_batch(stack.engine, tools=tools, post_ids=post_ids, isolate_failures=True)
        return outcome.triaged

    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        return list(pool.map(work, batches))


def incidents_by_complaint(stack: Stack) -> dict[str, set[int]]:
    """The incidents the copies of each complaint naming a known town were grouped into
    (a post with no municipality is never grouped with another)."""
    statement = (
        select(Post.text, IncidentPost.incident_id)
        .join(IncidentPost, IncidentPost.post_id == Post.id)  # type: ignore[arg-type]
        .join(Annotation, Annotation.post_id == Post.id)  # type: ignore[arg-type]
        .where(Annotation.is_current == True, Annotation.municipality_id != None)  # noqa: E711, E712
    )
    found: dict[str, set[int]] = defaultdict(set)
    with Session(stack.engine) as session:
        for text, incident_id in session.exec(statement):
            found[text.rsplit(" (", 1)[0]].add(incident_id)
    return dict(found)
