"""The project file: SQLite schema, migrations, typed records and queries. No Qt, no app."""

from storage.errors import (
    NewerProjectError,
    NotAProjectError,
    ProjectError,
    ProjectLockedError,
)
from storage.project import Project, open_project
from storage.records import (
    DOCUMENT_STATUSES,
    Annotator,
    Change,
    Document,
    DocumentRow,
    Label,
    Span,
)
from storage.rejections import Rejection

__all__ = [
    "DOCUMENT_STATUSES",
    "Annotator",
    "Change",
    "Document",
    "DocumentRow",
    "Label",
    "NewerProjectError",
    "NotAProjectError",
    "Project",
    "ProjectError",
    "ProjectLockedError",
    "Rejection",
    "Span",
    "open_project",
]
