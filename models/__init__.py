"""Otklik's shared vocabulary: the tables and the typed records that cross stage boundaries.

Importing this package registers every table on `SQLModel.metadata`. It imports none of
the stages (`ingest`, `nlp`, `triage`, `dashboard`).
"""

from models.agency import Agency, RoutingRule
from models.annotation import Annotation, PostAnnotation, SetBy
from models.api_token import ApiToken
from models.audit import AuditEvent
from models.crawl import CrawlCursor, CrawlRun, CrawlRunStatus
from models.geo import Municipality, Settlement, Street
from models.incident import Incident, IncidentPost, IncidentStatus
from models.learning import ModelStatus, ModelVersion, TrainingLabel
from models.lease import Lease
from models.login import ConsoleSession, LoginFailure
from models.notification import Notification
from models.post import (
    PipelineStage,
    Post,
    PostCreate,
    PostKind,
    PostPublic,
    PostSighting,
    ReviewStatus,
)
from models.publication import Publication, PublicationStatus
from models.quarantine import QuarantineRecord
from models.report import Report, ReportStatus
from models.source import Source, SourceCreate, SourceKind, SourceStatus
from models.taxonomy import Category, Topic
from models.user import Role, User, UserMunicipality

__all__ = [
    "Agency",
    "Annotation",
    "ApiToken",
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
    "Notification",
    "PipelineStage",
    "Post",
    "PostAnnotation",
    "PostCreate",
    "PostKind",
    "PostPublic",
    "PostSighting",
    "Publication",
    "PublicationStatus",
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
    "Street",
    "Topic",
    "TrainingLabel",
    "User",
    "UserMunicipality",
]
