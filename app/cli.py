"""The ``tawsim`` command. Qt is imported only when the GUI is asked for.

Start-up time of the GUI counts: ``tawsim`` and ``tawsim gui ...`` are parsed by the gui
sub-command's own parser, so that the format registry (every reader and writer, and the
libraries they use), which the full parser needs for its ``--format`` choices, is not
imported before the window shows. The other commands import what they use when they run.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from storage import ProjectError, open_project
from storage.project import is_damage

PROG = "tawsim"
OMISSIONS_SHOWN = 20  # `tawsim export` prints this many; the report file holds them all
GUI_HELP = "open the annotation window"


def _gui_arguments(gui: argparse.ArgumentParser) -> argparse.ArgumentParser:
    gui.add_argument("project", nargs="?")
    gui.add_argument("--annotator")
    gui.add_argument(
        "--language", choices=("ar", "en", "system"), help="interface language (default: settings)"
    )
    return gui


def _parser() -> argparse.ArgumentParser:
    from app.core.importing import FORMAT_CHOICES
    from app.formats.registry import export_formats

    parser = argparse.ArgumentParser(
        prog=PROG, description="Annotate Arabic news articles offline."
    )
    parser.add_argument("--version", action="version", version=f"tawsim {__version__}")
    commands = parser.add_subparsers(dest="command")

    init = commands.add_parser("init", help="create a project file")
    init.add_argument("project")
    init.add_argument("--labels", help='LABELS.json: [{"id": "ACTOR", ...}, ...]')

    imp = commands.add_parser("import", help="import articles (and their spans)")
    imp.add_argument("project")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--format", choices=FORMAT_CHOICES, default="auto")
    imp.add_argument("--annotator", help="layer for spans that do not name their annotator")
    imp.add_argument("--encoding", help="force an encoding instead of detecting it")
    imp.add_argument(
        "--create-labels", action="store_true", help="add labels the project does not have"
    )
    imp.add_argument(
        "--suggestions", action="store_true", help="import spans as suggestions, not a layer"
    )

    exp = commands.add_parser("export", help="export documents and spans")
    exp.add_argument("project")
    exp.add_argument("--format", choices=[f.name for f in export_formats()], default="jsonl")
    exp.add_argument("--out", required=True)
    layer = exp.add_mutually_exclusive_group()
    layer.add_argument("--annotator", help="only this annotator's layer (default: every layer)")
    layer.add_argument("--gold", action="store_true", help="only the adjudicated gold layer")
    exp.add_argument("--status", choices=("done",), help="only documents marked done")
    exp.add_argument("--tab", action="store_true", help="CoNLL: token<TAB>tag")
    exp.add_argument(
        "--offsets",
        choices=("utf16", "codepoint"),
        default="utf16",
        help="doccano: UTF-16 units (what doccano counts, the default) or code points",
    )
    exp.add_argument(
        "--variant", choices=("label", "entities"), default="label", help="doccano record shape"
    )

    agree = commands.add_parser("agreement", help="inter-annotator agreement")
    agree.add_argument("project")
    agree.add_argument("--annotators", help="A,B,...: these annotators (default: every one)")
    agree.add_argument("--json", action="store_true", help="print one JSON object")
    agree.add_argument(
        "--report", metavar="FILE.html", help="also write a self-contained HTML report"
    )

    adj = commands.add_parser("adjudicate", help="put agreed spans into the gold layer")
    adj.add_argument("project")
    adj.add_argument("--annotators", help="A,B,...: these annotators (default: every one)")
    adj.add_argument("--quorum", type=int, help="how many must agree (default: all of them)")
    adj.add_argument("--gold", default="gold", help="the gold layer's name (default: gold)")

    pkg = commands.add_parser("package", help="work packages: one project file per annotator")
    pkg.add_argument("project")
    pkg.add_argument("--annotators", required=True, help="A,B,C: one package for each")
    pkg.add_argument("--out", required=True, help="folder for the packages (DIR/<name>.tawsim)")
    pkg.add_argument(
        "--overlap", type=float, default=0.2, help="fraction every annotator gets (default 0.2)"
    )
    pkg.add_argument(
        "--documents",
        default="",
        metavar="QUERY",
        help="ids:1-200, status:done@A, or a title/id substring (app/team/query.py)",
    )
    pkg.add_argument("--seed", type=int, default=0, help="the same seed deals the same packages")
    pkg.add_argument(
        "--without-spans", action="store_true", help="leave the annotators' own spans at home"
    )

    sug = commands.add_parser("suggest", help="write every document's suggestions as a layer")
    sug.add_argument("project")
    sug.add_argument("--layer", default="suggestions", help="the layer (default: suggestions)")
    sug.add_argument(
        "--sources", default="casualties,dates,gazetteer", help="comma-separated (default: all)"
    )

    merge = commands.add_parser("merge", help="merge annotators' project files back")
    merge.add_argument("project")
    merge.add_argument("files", nargs="+", metavar="FILE")

    listing = commands.add_parser("backups", help="list a project's backups, newest first")
    listing.add_argument("project")
    restore = commands.add_parser("restore", help="put a backup back in place of the project")
    restore.add_argument("project")
    restore.add_argument("backup", help="its path, its name (see `tawsim backups`) or 'latest'")

    show = commands.add_parser("show", help="print an article with its spans marked")
    show.add_argument("project")
    show.add_argument("doc_id", metavar="DOC_ID", help="external id, or the document's number")
    show.add_argument("--annotator", help="only this annotator's spans (default: all layers)")
    show.add_argument(
        "--bidi",
        choices=("auto", "on", "off"),
        default="auto",
        help="shape and reorder Arabic for the terminal (auto: on a terminal, unless"
        " $TAWSIM_BIDI=off)",
    )

    _gui_arguments(commands.add_parser("gui", help=GUI_HELP))
    return parser


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    words = list(sys.argv[1:] if argv is None else argv)
    if not words or words[0] == "gui":
        # The same arguments as the full parser's "gui" sub-command, without the registry.
        gui = _gui_arguments(argparse.ArgumentParser(prog=f"{PROG} gui", description=GUI_HELP))
        return gui.parse_args(words[1:], argparse.Namespace(command="gui"))
    return _parser().parse_args(words)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(_parse(argv))
    except BrokenPipeError:
        # `tawsim … | head` closed the pipe: stop quietly, and keep Python's own flush of
        # stdout at exit from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command in (None, "gui"):
            from app.ui.launch import launch_gui

            return launch_gui(
                getattr(args, "project", None),
                getattr(args, "annotator", None),
                getattr(args, "language", None),
            )
        if args.command == "init":
            return _init(args)
        if args.command == "import":
            return _import(args)
        if args.command == "export":
            return _export(args)
        if args.command == "agreement":
            return _agreement(args)
        if args.command in ("package", "merge"):
            return _team(args)
        if args.command == "adjudicate":
            return _adjudicate(args)
        if args.command == "suggest":
            return _suggest(args)
        if args.command in ("backups", "restore"):
            return _backups(args)
        if args.command == "show":
            return _show(args)
    except ProjectError as error:
        print(f"tawsim: {error}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as error:  # damage that opening could not see (storage.backups)
        print(f"tawsim: {getattr(args, 'project', '')}: {error}", file=sys.stderr)
        if is_damage(error):
            print("the project file is damaged: see `tawsim backups`", file=sys.stderr)
        return 2
    return 2  # pragma: no cover - argparse rejects unknown commands


def _show(args: argparse.Namespace) -> int:
    from app.core.show import show

    with open_project(args.project, read_only=True) as project:
        show(project, args.doc_id, args.annotator, args.bidi, sys.stdout)
    return 0


def _init(args: argparse.Namespace) -> int:
    from app.core.labels import load_labels
    from app.core.setup import init_project

    labels = load_labels(args.labels) if args.labels else None
    with init_project(args.project, labels) as project:
        names = ", ".join(label.id for label in project.labels.all())
    print(f"created {args.project} with labels {names}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from app.core.importing import import_paths
    from app.core.setup import init_project
    from storage.lock import command_holder

    exists = Path(args.project).exists()
    _backup_before_a_long_job(args.project)
    # An import takes the project's lock: refused, naming the holder, while a window (or
    # another import) has the project open for writing.
    holder = command_holder("import")
    opened = open_project(args.project, holder=holder) if exists else init_project(args.project)
    with opened as project:
        report = import_paths(
            project,
            args.paths,
            fmt=args.format,
            annotator=args.annotator,
            encoding=args.encoding,
            create_labels=args.create_labels,
            suggestions=args.suggestions,
        )
    for note in report.notes:
        print(f"note: {note}")
    for message in report.rejected:
        print(f"rejected: {message}", file=sys.stderr)
    print(report.summary())
    return 1 if report.rejected else 0


def _export(args: argparse.Namespace) -> int:
    from app.core.exporting import export
    from app.formats.base import ExportOptions

    options = ExportOptions(tab=args.tab, offsets=args.offsets, variant=args.variant)
    with open_project(args.project) as project:
        report = export(
            project,
            args.format,
            args.out,
            annotator=args.annotator,
            gold=args.gold,
            only_done=args.status == "done",
            options=options,
        )
    # The report file beside the output lists every omission; a corpus can have 100,000
    # (a span per overlap), which would bury the summary and take seconds to print.
    for line in report.omitted[:OMISSIONS_SHOWN]:
        print(f"left out: {line}")
    if len(report.omitted) > OMISSIONS_SHOWN:
        print(f"left out: … and {len(report.omitted) - OMISSIONS_SHOWN} more")
    print(report.summary())
    return 0


def _agreement(args: argparse.Namespace) -> int:
    from app.agreement.render import as_table
    from app.agreement.study import compute_agreement

    names = args.annotators.split(",") if args.annotators else None
    with open_project(args.project) as project:
        report = compute_agreement(project, names)
        if args.report:
            from app.reports.agreement_html import write_agreement_report

            try:
                written = write_agreement_report(project, report, args.report)
            except OSError as error:
                print(f"tawsim: cannot write {args.report}: {error}", file=sys.stderr)
                return 2
            # With --json, stdout holds the JSON object alone.
            print(f"report written to {written}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
    else:
        print(as_table(report))
    return 0


def _adjudicate(args: argparse.Namespace) -> int:
    from app.agreement.adjudication import auto_gold
    from storage.lock import command_holder

    names = args.annotators.split(",") if args.annotators else None
    with open_project(args.project, holder=command_holder("adjudicate")) as project:
        report = auto_gold(project, names, quorum=args.quorum, gold=args.gold)
    print("\n".join(report.lines()))
    return 0


def _suggest(args: argparse.Namespace) -> int:
    from app.core.suggest_layer import write_suggestion_layer
    from storage.lock import command_holder

    sources = [word.strip() for word in args.sources.split(",") if word.strip()]
    with open_project(args.project, holder=command_holder("suggest")) as project:
        report = write_suggestion_layer(project, args.layer, sources)
    print("\n".join(report.lines()))
    return 0


def _team(args: argparse.Namespace) -> int:
    from app.team.cli import run_merge, run_package

    if args.command == "merge":
        _backup_before_a_long_job(args.project)
    return run_package(args) if args.command == "package" else run_merge(args)


def _backup_before_a_long_job(project: str) -> None:
    """An import or a merge writes much at once: the project is backed up first (unless
    the newest backup already holds what it holds)."""
    from app.settings import Settings
    from storage.backups import take_backup

    path = Path(project)
    if path.is_file() and path.stat().st_size > 0:
        backup = take_backup(path, keep=Settings().backup_policy().keep, if_changed=True)
        if backup is not None:
            print(f"backed up to {backup.path}")


def _backups(args: argparse.Namespace) -> int:
    from storage.backups import backups_dir, list_backups, restore_backup

    project = Path(args.project)
    backups = list_backups(project)
    if args.command == "backups":
        for b in backups:
            print(
                f"{b.taken_at:%Y-%m-%d %H:%M:%S} UTC  {b.size / 1024:9,.0f} KB  "
                f"{b.description:<30}  {b.path}"
            )
        if not backups:
            print(f"{project}: no backups yet (they are kept in {backups_dir(project)})")
        return 0
    named = backups_dir(project) / args.backup
    if args.backup == "latest":
        if not backups:
            raise ProjectError(f"{project}: there is no backup to restore")
        source = backups[0].path
    else:
        bare_name = Path(args.backup).name == args.backup
        source = named if bare_name and named.is_file() else Path(args.backup)
    result = restore_backup(source, project)
    print(f"restored {project} from {source}")
    if result.previous is not None:
        print(f"what it held before: tawsim restore {project} {result.previous.path}")
    if result.damaged_copy is not None:
        print(f"the damaged file was kept as {result.damaged_copy}")
    return 0
