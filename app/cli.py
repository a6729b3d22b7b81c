"""The ``tawsim`` command. Qt is imported only when the GUI is asked for.

Start-up time of the GUI counts: ``tawsim`` and ``tawsim gui ...`` are parsed by the gui
sub-command's own parser, so that the format registry (every reader and writer, and the
libraries they use), which the full parser needs for its ``--format`` choices, is not
imported before the window shows. The other commands import what they use when they run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__
from storage import ProjectError, open_project

PROG = "tawsim"
GUI_HELP = "open the annotation window"


def _gui_arguments(gui: argparse.ArgumentParser) -> argparse.ArgumentParser:
    gui.add_argument("project", nargs="?")
    gui.add_argument("--annotator")
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
    args = _parse(argv)
    try:
        if args.command in (None, "gui"):
            from app.ui.launch import launch_gui

            return launch_gui(getattr(args, "project", None), getattr(args, "annotator", None))
        if args.command == "init":
            return _init(args)
        if args.command == "import":
            return _import(args)
        if args.command == "export":
            return _export(args)
        if args.command == "agreement":
            return _agreement(args)
    except ProjectError as error:
        print(f"tawsim: {error}", file=sys.stderr)
        return 2
    return 2  # pragma: no cover - argparse rejects unknown commands


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

    exists = Path(args.project).exists()
    with init_project(args.project) if not exists else open_project(args.project) as project:
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
    for line in report.omitted:
        print(f"left out: {line}")
    print(report.summary())
    return 0


def _agreement(args: argparse.Namespace) -> int:
    from app.agreement.render import as_table
    from app.agreement.study import compute_agreement

    names = args.annotators.split(",") if args.annotators else None
    with open_project(args.project) as project:
        report = compute_agreement(project, names)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
    else:
        print(as_table(report))
    return 0
