"""What the user reads about reports and errors of the Qt-free layers, in the interface's
language.

The importer, exporter, team tools and storage are Qt-free: their ``summary()`` and
``str()`` are English, for the command line and the logs. The interface builds its own
sentences here from the structured data they carry (counts, files, lines, lock holders,
schema versions), through Qt's translation system. A per-record technical reason (a JSON
error, offsets that disagree) stays as the reader wrote it, after a translated prefix that
says where: «الملف x.jsonl، السطر 12: …».
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.ui.i18n import current_language
from storage.errors import (
    NewerProjectError,
    NotAProjectError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
    WriteFailedError,
)

if TYPE_CHECKING:
    from app.core.exporting import ExportReport
    from app.core.importing import ImportReport
    from app.team.packages import PackageReport
    from app.team.report import Conflict, MergeReport
    from storage.lock import LockHolder

# "file:line: reason", "file: reason" (a Windows drive letter is part of the file).
_LOCATED = re.compile(
    r"^(?P<file>(?:[A-Za-z]:)?[^:\n]+?)(?::(?P<line>\d+))?: (?P<reason>.+)$", re.S
)


# -- where ---------------------------------------------------------------------------------
# The English source strings repeat the Qt-free layers' own English word for word: the
# English interface reads as it always did, the Arabic one is built from the same data.


def data(value: object) -> str:
    """``value`` (a path, a name, an English reason) for a sentence in the interface's
    language. In Arabic it is isolated (FSI … PDI) so that the bidi algorithm lays it out
    as a whole: a path's leading "/" stays at its start, an English reason keeps its
    order, and neither reorders the Arabic around it. English gets it as it is."""
    text = str(value)
    return f"\u2068{text}\u2069" if current_language() == "ar" else text


def located(text: str) -> str:
    """A reader's "file:line: reason" with its location in the interface's language
    («الملف x.jsonl، السطر 12: …»); the reason itself is the reader's (technical, English).
    Text without a location is returned as it is."""
    match = _LOCATED.match(text)
    if match is None:
        return text
    file, line, reason = match["file"], match["line"], match["reason"]
    if line is not None:
        return QCoreApplication.translate("Messages", "{file}:{line}: {reason}").format(
            file=data(file), line=line, reason=data(reason)
        )
    return QCoreApplication.translate("Messages", "{file}: {reason}").format(
        file=data(file), reason=data(reason)
    )


def in_document(text: str) -> str:
    """An exporter's "document id: what was left out", the document named in the interface's
    language; what was left out stays as the format's writer said it."""
    document, sep, reason = text.partition(": ")
    if not sep:
        return text
    return QCoreApplication.translate("Messages", "{document}: {reason}").format(
        document=data(document), reason=data(reason)
    )


def _more(hidden: int) -> str:
    return QCoreApplication.translate("Messages", "… and {count} more").format(count=hidden)


# -- import ----------------------------------------------------------------------------------
def import_summary(report: ImportReport) -> str:
    """«Imported 120 documents (3,400 spans), 2 duplicates, 1 rejected», then labels."""
    text = QCoreApplication.translate(
        "Messages",
        "Import finished: imported {documents} documents ({spans} spans),"
        " {duplicates} duplicates, {rejected} rejected",
    ).format(
        documents=report.imported,
        spans=report.spans,
        duplicates=report.duplicates,
        rejected=len(report.rejected),
    )
    if report.unknown_labels:
        text += QCoreApplication.translate(
            "Messages", "; unknown labels {names} (add them, or import with --create-labels)"
        ).format(names=", ".join(sorted(report.unknown_labels)))
    if report.created_labels:
        text += QCoreApplication.translate("Messages", "; created labels {names}").format(
            names=", ".join(report.created_labels)
        )
    if report.cancelled:
        text += QCoreApplication.translate("Messages", " — cancelled")
    return text


def import_lines(report: ImportReport, limit: int = 30) -> list[str]:
    """The summary, then each rejected record, located."""
    lines = [import_summary(report)]
    lines += [
        QCoreApplication.translate("Messages", "rejected: {reason}").format(reason=located(item))
        for item in report.rejected[:limit]
    ]
    if len(report.rejected) > limit:
        lines.append(_more(len(report.rejected) - limit))
    return lines


# -- export ----------------------------------------------------------------------------------
def export_summary(report: ExportReport) -> str:
    text = QCoreApplication.translate(
        "Messages", "Export finished: exported {documents} documents, {spans} spans to {path}"
    ).format(documents=report.documents, spans=report.spans, path=data(report.path))
    if report.omitted:
        text += QCoreApplication.translate(
            "Messages", "; {count} things the format cannot hold were left out (listed in {path})"
        ).format(count=len(report.omitted), path=data(report.report_path))
    return text


def export_lines(report: ExportReport, limit: int = 20) -> list[str]:
    lines = [export_summary(report)]
    lines += [
        QCoreApplication.translate("Messages", "left out: {reason}").format(
            reason=in_document(item)
        )
        for item in report.omitted[:limit]
    ]
    if len(report.omitted) > limit:
        lines.append(
            QCoreApplication.translate("Messages", "… and {count} more (see {path})").format(
                count=len(report.omitted) - limit, path=data(report.report_path)
            )
        )
    return lines


# -- team --------------------------------------------------------------------------------------
def package_lines(report: PackageReport) -> list[str]:
    lines = [
        QCoreApplication.translate(
            "Messages",
            "{documents} documents, {shared} of them shared by every annotator"
            " ({packages} packages)",
        ).format(documents=report.selected, shared=report.shared, packages=len(report.packages))
    ]
    lines += [
        QCoreApplication.translate(
            "Messages", "{annotator}: {documents} documents, {spans} pre-annotated spans -> {path}"
        ).format(
            annotator=package.annotator,
            documents=package.documents,
            spans=package.spans,
            path=data(package.path),
        )
        for package in report.packages
    ]
    return lines


def merge_summary(report: MergeReport) -> str:
    file = (
        QCoreApplication.translate("Messages", "{file} ({annotator})").format(
            file=data(report.path), annotator=data(report.annotator)
        )
        if report.annotator
        else data(report.path)
    )
    if not report.changed:
        return QCoreApplication.translate(
            "Messages", "{file}: nothing new to merge ({documents} documents)"
        ).format(file=file, documents=report.documents)
    return QCoreApplication.translate(
        "Messages",
        "{file}: {documents} documents ({new} new), spans {added} added, {updated} updated,"
        " {deleted} deleted; {statuses} statuses, {comments} comments, {changes} log"
        " entries; {conflicts} conflicts",
    ).format(
        file=file,
        documents=report.documents,
        new=report.documents_added,
        added=report.spans_added,
        updated=report.spans_updated,
        deleted=report.spans_deleted,
        statuses=report.statuses,
        comments=report.comments,
        changes=report.changes,
        conflicts=len(report.conflicts),
    )


def conflict_line(conflict: Conflict) -> str:
    """A conflict; the item and how it changed stay as the merge described them."""
    kept = (
        QCoreApplication.translate("Messages", "kept the package's version, the later change")
        if conflict.winner == "package"
        else QCoreApplication.translate("Messages", "kept the project's version, the later change")
    )
    return QCoreApplication.translate(
        "Messages",
        "conflict: {document}: {item} {how}; {kept} (package {package_at}, project {project_at})",
    ).format(
        document=conflict.document,
        item=conflict.item,
        how=conflict.how,
        kept=kept,
        package_at=conflict.package_at or "—",
        project_at=conflict.project_at or "—",
    )


def merge_lines(report: MergeReport, limit: int | None = None) -> list[str]:
    lines = [merge_summary(report)]
    if report.labels_added:
        lines.append(
            QCoreApplication.translate("Messages", "labels added: {names}").format(
                names=", ".join(report.labels_added)
            )
        )
    lines += [
        # Notes on the whole file (not a package of this project, a label defined
        # differently) stay as the merge wrote them.
        QCoreApplication.translate("Messages", "note: {note}").format(note=note)
        for note in report.notes
    ]
    shown = report.conflicts if limit is None else report.conflicts[:limit]
    lines += [conflict_line(conflict) for conflict in shown]
    if len(shown) < len(report.conflicts):
        lines.append(
            QCoreApplication.translate("Messages", "… and {count} more conflicts").format(
                count=len(report.conflicts) - len(shown)
            )
        )
    return lines


# -- storage errors ------------------------------------------------------------------------
def holder_text(holder: LockHolder) -> str:
    """Who holds a project, where and since when: «alice on lab-pc-3 since …»."""
    try:
        since = datetime.fromisoformat(holder.since).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        since = holder.since
    return QCoreApplication.translate("Messages", "{annotator} on {host} since {since} UTC").format(
        annotator=data(holder.annotator), host=data(holder.host), since=since
    )


def _write_cause(error: WriteFailedError) -> str:
    name = getattr(error, "sqlite_errorname", "") or ""
    causes = (
        ("SQLITE_FULL", QCoreApplication.translate("Messages", "the disk is full")),
        ("SQLITE_IOERR", QCoreApplication.translate("Messages", "the disk reported an error")),
        (
            "SQLITE_READONLY",
            QCoreApplication.translate("Messages", "the file cannot be written (read-only)"),
        ),
        (
            "SQLITE_CANTOPEN",
            QCoreApplication.translate("Messages", "a file beside the project cannot be created"),
        ),
    )
    return next((text for code, text in causes if name.startswith(code)), error.cause)


def write_cause(error: WriteFailedError) -> str:
    """Why a write failed, in the interface's language ("the disk is full")."""
    return _write_cause(error)


def project_error(error: ProjectError) -> str:
    """A storage error as a sentence in the interface's language, built from the fields it
    carries (file, lock holder, versions, SQLite's error code). Storage's own message is
    English already: the English interface shows it as it always did. Errors without a
    file (a bad label colour, an empty name) keep storage's words after a translated
    prefix; a damaged file's technical detail follows on its own line."""
    if current_language() != "ar":
        return str(error)
    path = error.path
    if isinstance(error, ProjectLockedError) and path is not None:
        if error.holder is not None:
            return QCoreApplication.translate(
                "Messages", "{path} is in use by {holder}. Open it read-only, or try later."
            ).format(path=data(path), holder=holder_text(error.holder))
        return QCoreApplication.translate(
            "Messages", "{path} is being opened by another instance right now; try again."
        ).format(path=data(path))
    if isinstance(error, NewerProjectError) and path is not None and error.found:
        return QCoreApplication.translate(
            "Messages",
            "{path} was written by a newer Tawsim (schema {found}; this version reads up"
            " to {known}). Update Tawsim to open it; the file was not changed.",
        ).format(path=data(path), found=error.found, known=error.known)
    if isinstance(error, ReadOnlyProjectError) and path is not None:
        return QCoreApplication.translate(
            "Messages", "{path} cannot be written (read-only): nothing was changed."
        ).format(path=data(path))
    if isinstance(error, WriteFailedError) and path is not None:
        return QCoreApplication.translate(
            "Messages", "{path}: could not save: {cause}. Nothing of this action was stored."
        ).format(path=data(path), cause=_write_cause(error))
    if isinstance(error, NotAProjectError) and path is not None:
        return QCoreApplication.translate(
            "Messages", "{path} is not a Tawsim project, or the file is damaged."
        ).format(path=data(path)) + details(error)
    from storage.backups import BackupError

    if isinstance(error, BackupError) and path is not None:
        return QCoreApplication.translate(
            "Messages", "The backup could not be written ({path}); the project itself is unharmed."
        ).format(path=data(path)) + details(error)
    return QCoreApplication.translate("Messages", "The project refused this: {reason}").format(
        reason=data(error)
    )


def details(error: BaseException) -> str:
    """The English technical message, on its own line under the translated sentence."""
    return "\n" + QCoreApplication.translate("Messages", "Details: {details}").format(
        details=data(error)
    )


def backup_failure(path: str | Path, error: BaseException) -> str:
    """Why no backup was taken, for the status bar."""
    if isinstance(error, ProjectError):
        return project_error(error)
    return QCoreApplication.translate("Messages", "{path}: the backup failed ({reason})").format(
        path=data(path), reason=data(error)
    )
