"""``tawsim package`` and ``tawsim merge``: the team commands behind app.cli."""

from __future__ import annotations

import argparse
import sys

from app.team.merge import merge_file
from app.team.packages import create_packages
from storage import ProjectError, open_project
from storage.lock import command_holder


def run_package(args: argparse.Namespace) -> int:
    names = [name for name in args.annotators.split(",") if name.strip()]
    with open_project(args.project) as project:
        report = create_packages(
            project,
            names,
            args.out,
            overlap=args.overlap,
            query=args.documents,
            seed=args.seed,
            with_spans=not args.without_spans,
        )
    print(report.summary())
    return 0


def run_merge(args: argparse.Namespace) -> int:
    """Merge each file in turn; a refused file is named and the others still merge.
    Exit status 1 when any file was refused."""
    refused = 0
    # A merge writes a lot: it takes the project's lock, refused while a window holds it.
    with open_project(args.project, holder=command_holder("merge")) as project:
        for path in args.files:
            try:
                report = merge_file(project, path)
            except ProjectError as error:
                print(f"tawsim: {error}", file=sys.stderr)
                refused += 1
                continue
            print("\n".join(report.lines()))
    if refused:
        print(f"{refused} of {len(args.files)} files were not merged", file=sys.stderr)
    return 1 if refused else 0
