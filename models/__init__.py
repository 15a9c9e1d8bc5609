"""Otklik's shared vocabulary: the tables and the typed records that cross stage boundaries.

Importing this package registers every table on `SQLModel.metadata`. It imports none of
the stages (`ingest`, `nlp`, `triage`, `dashboard`).
"""

from models.agency import Agency, RoutingRule
from models.annotation import Annotation, PostAnnotation, SetBy
from models.audit import AuditEvent
from models.crawl import CrawlCursor, CrawlRun, CrawlRunStatus
from models.geo import Municipality, Settlement
from models.incident import Incident, IncidentPost, IncidentStatus
from models.learning import ModelStatus, ModelVersion, TrainingLabel
from models.lease import Lease
from models.login import ConsoleSession, LoginFailure
from models.post import PipelineStage, Post, PostCreate, PostKind, PostPublic, ReviewStatus
from models.quarantine import QuarantineRecord
from models.report import Report, ReportStatus
from models.source import Source, SourceCreate, SourceKind, SourceStatus
from models.taxonomy import Category, Topic
from models.user import Role, User

__all__ = [
    "Agency",
    "Annotation",
    "AuditEvent",
    "Category",
    "ConsoleSession",
    "CrawlCursor",
    "CrawlRun",
    "CrawlRunStatus",
    "Incident",
    "IncidentPost",
    "IncidentStatus",
    "Lease",
    "LoginFailure",
    "ModelStatus",
    "ModelVersion",
    "Municipality",
    "PipelineStage",
    "Post",
    "PostAnnotation",
    "PostCreate",
    "PostKind",
    "PostPublic",
    "QuarantineRecord",
    "Report",
    "ReportStatus",
    "ReviewStatus",
    "Role",
    "RoutingRule",
    "SetBy",
    "Settlement",
    "Source",
    "SourceCreate",
    "SourceKind",
    "SourceStatus",
    "Topic",
    "TrainingLabel",
    "User",
]
