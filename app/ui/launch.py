"""Start the GUI, after checking that Qt can reach a display (no Qt import until then)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Qt's xcb platform plugin links these; Debian/Ubuntu packages that provide them.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}


def display_problem() -> str | None:
    """A one-line reason the GUI cannot start here, or None."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    if not os.environ.get("DISPLAY"):
        if os.environ.get("WAYLAND_DISPLAY") and not platform:
            return None
        return (
            "no display available: run Tawsim in a desktop session (DISPLAY is not set), "
            "or use the command line (tawsim --help)"
        )
    import ctypes.util  # only here: it brings subprocess and more, for X11 start-ups only

    missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]
    if missing:
        return (
            "Qt's X11 plugin cannot load; install its system libraries with: "
            f"sudo apt-get install {' '.join(missing)}"
        )
    return None


def launch_gui(project: str | None, annotator: str | None, language: str | None = None) -> int:
    problem = display_problem()
    if problem:
        print(f"tawsim: {problem}", file=sys.stderr)
        return 2
    from app.ui.startup import run

    return run(Path(project) if project else None, annotator, language)
