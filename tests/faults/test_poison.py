"""A post that keeps crashing NLP (or triage) is quarantined with its traceback after its
retries, and the queue keeps flowing.

The crash is real and specific to one post: a database trigger refuses that post's
annotation, as a constraint the model's output violates would.
"""

from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import FailedJobRegistry, FinishedJobRegistry
from sqlalchemy import text
from sqlmodel import Session, select

from models.quarantine import QuarantineRecord
from otklik.pipeline import forward_new_posts
from otklik.queues import ALL_QUEUES, QueueName
from tests.faults.conftest import Stack
from tests.faults.helpers import annotation_counts, many_posts, stage_counts, triage_events

POISON_TRIGGER = """
CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.post_id = {post_id} THEN RAISE EXCEPTION 'annotation refused: poison post'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER refuse_poison BEFORE INSERT ON annotation
  FOR EACH ROW EXECUTE FUNCTION refuse_poison();
"""


def _drain(connection: Redis) -> None:
    queues = [Queue(name, connection=connection) for name in ALL_QUEUES]
    SimpleWorker(queues, connection=connection).work(burst=True, with_scheduler=False)


def test_a_poison_post_is_quarantined_after_its_retries_and_the_rest_flow(stack: Stack) -> None:
    ids = many_posts(stack.engine, 60)  # two batches: 50 and 10
    poison = ids[10]
    with stack.engine.begin() as connection:
        connection.execute(text(POISON_TRIGGER.format(post_id=poison)))
    try:
        forward_new_posts(ids)
        _drain(stack.redis)
    finally:
        with stack.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER refuse_poison ON annotation"))
            connection.execute(text("DROP FUNCTION refuse_poison()"))

    assert stage_counts(stack.engine) == {"triaged": len(ids) - 1, "ingested": 1}
    assert poison not in annotation_counts(stack.engine)
    with Session(stack.engine) as session:
        record = session.exec(select(QuarantineRecord)).one()
    assert (record.stage, record.post_id) == ("nlp", poison)
    assert "Traceback" in (record.detail or "") and "poison post" in (record.detail or "")
    nlp_queue = Queue(QueueName.NLP, connection=stack.redis)
    assert FailedJobRegistry(queue=nlp_queue).count == 0  # the batch job itself succeeded
    finished = [Job.fetch(job_id, connection=stack.redis) for job_id in
                FinishedJobRegistry(queue=nlp_queue).get_job_ids()]  # fmt: skip
    poisoned_job = next(job for job in finished if poison in job.args[0])
    assert poisoned_job.retries_left == 0  # quarantined only once every retry had failed

    # The sweep leaves a quarantined post alone: it is not retried for ever.
    assert forward_new_posts([poison]).jobs == 1
    _drain(stack.redis)
    with Session(stack.engine) as session:
        assert len(session.exec(select(QuarantineRecord)).all()) == 1


TRIAGE_POISON_TRIGGER = """
CREATE FUNCTION refuse_triage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id = {post_id} AND NEW.stage = 'triaged' THEN
    RAISE EXCEPTION 'triage refused: poison post';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER refuse_triage BEFORE UPDATE ON post
  FOR EACH ROW EXECUTE FUNCTION refuse_triage();
"""


def test_a_post_that_keeps_crashing_triage_is_quarantined_and_its_batch_flows(
    stack: Stack,
) -> None:
    """Triage commits a batch at once; a crash falls back to post by post, so only the poison
    post is held back, retried, and finally quarantined; every other post is triaged once."""
    ids = many_posts(stack.engine, 60)  # two batches: 50 and 10
    poison = ids[10]
    with stack.engine.begin() as connection:
        connection.execute(text(TRIAGE_POISON_TRIGGER.format(post_id=poison)))
    try:
        forward_new_posts(ids)
        _drain(stack.redis)
    finally:
        with stack.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER refuse_triage ON post"))
            connection.execute(text("DROP FUNCTION refuse_triage()"))

    assert stage_counts(stack.engine) == {"triaged": len(ids) - 1, "annotated": 1}
    assert triage_events(stack.engine) == {post_id: 1 for post_id in ids if post_id != poison}
    with Session(stack.engine) as session:
        record = session.exec(select(QuarantineRecord)).one()
    assert (record.stage, record.post_id) == ("triage", poison)
    assert "Traceback" in (record.detail or "") and "poison post" in (record.detail or "")
    triage_queue = Queue(QueueName.TRIAGE, connection=stack.redis)
    assert FailedJobRegistry(queue=triage_queue).count == 0
    finished = [Job.fetch(job_id, connection=stack.redis) for job_id in
                FinishedJobRegistry(queue=triage_queue).get_job_ids()]  # fmt: skip
    poisoned_job = next(job for job in finished if poison in job.args[0])
    assert poisoned_job.retries_left == 0  # quarantined only once every retry had failed

    # The sweep leaves the quarantined post alone.
    assert forward_new_posts([poison]).jobs == 1
    _drain(stack.redis)
    assert stage_counts(stack.engine) == {"triaged": len(ids) - 1, "annotated": 1}
    with Session(stack.engine) as session:
        assert len(session.exec(select(QuarantineRecord)).all()) == 1
