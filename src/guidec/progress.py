"""One updating progress line on a terminal: a bar, files, bytes, annotations, time left.

Commands that read deliveries open a :class:`Progress` on their stderr; it draws nothing unless
that stream is a terminal, and nothing for a run shorter than :data:`DELAY` seconds (no flicker
on small deliveries). Readers do not know about it: every delivery file is read through
:mod:`guidec.inputs`, which counts files and bytes into the active progress, and the shared
reading loops add the annotations they have built. Time left is estimated from the bytes still
to read, at the rate seen so far.
"""

from __future__ import annotations

import os
import time

DELAY = float(os.environ.get("GUIDEC_PROGRESS_DELAY", "0.5"))  # seconds before the first draw
EVERY = 0.1  # seconds between draws
BAR = 20  # characters of the bar between its brackets

_ACTIVE: Progress | None = None


def active() -> Progress | None:
    return _ACTIVE


class Progress:
    def __init__(self, err, what: str = "reading") -> None:
        try:
            self.on = bool(err.isatty())
        except (AttributeError, ValueError):
            self.on = False
        self.err = err
        self.what = what
        self.t0 = time.perf_counter()
        self.last = 0.0
        self.shown = False
        self.files = self.bytes = self.rows = 0
        self.total_files = self.total_bytes = 0
        self.stage = ""

    # ---------------------------------------------------------------- a context: the sink
    def __enter__(self) -> Progress:
        global _ACTIVE
        self._outer = _ACTIVE
        _ACTIVE = self
        return self

    def __exit__(self, *exc) -> None:
        global _ACTIVE
        _ACTIVE = self._outer
        self.done()

    # ---------------------------------------------------------------- what readers report
    def expect(self, files: int, nbytes: int) -> None:
        """What there is to read (for the fraction and the time left)."""
        self.total_files, self.total_bytes = files, nbytes

    def read(self, nbytes: int, files: int = 1) -> None:
        self.files += files
        self.bytes += nbytes
        self._draw()

    def add_rows(self, n: int) -> None:
        self.rows += n
        self._draw()

    def __call__(self, stage: str) -> None:
        """A stage after reading (``checking 860,001 annotations``), drawn at once."""
        self.stage = stage
        self._draw(force=True)

    # ---------------------------------------------------------------- drawing
    def line(self, width: int = 80) -> str:
        """What is drawn, fitted to a terminal ``width`` characters wide."""
        elapsed = time.perf_counter() - self.t0
        if self.stage:
            return f"{self.stage} ({elapsed:.1f} s)"
        files = f"{self.files:,}" + (f"/{self.total_files:,}" if self.total_files else "")
        parts = [f"{files} files", _size(self.bytes) + (
            f"/{_size(self.total_bytes)}" if self.total_bytes else "")]
        if self.rows:
            parts.append(f"{self.rows:,} annotations")
        if self.total_bytes and self.bytes and elapsed > 0.2:
            left = elapsed * (self.total_bytes - self.bytes) / self.bytes
            parts.append(f"{int(left) // 60}:{int(left) % 60:02d} left")
        text = ", ".join(parts)
        if self.total_bytes or self.total_files:  # the bar (bytes if known, else files) in
            done = (self.bytes / self.total_bytes if self.total_bytes  # the room left, if any
                    else self.files / self.total_files)
            room = min(BAR, width - len(text) - 9)  # "[" "] 100% " and the cursor's column
            if room >= 8:
                return f"{bar(done, room)} {text}"
        return f"{self.what} {text}"

    def _draw(self, force: bool = False) -> None:
        if not self.on:
            return
        now = time.perf_counter()
        if now - self.t0 < DELAY or (not force and now - self.last < EVERY):
            return
        self.last = now
        width = _columns(self.err)
        line = self.line(width)
        if len(line) >= width:  # a wrapped line could not be redrawn in place
            line = line[:max(width - 1, 0)]
        self.err.write(f"\r\033[K{line}")
        self.err.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.err.write("\r\033[K")
            self.err.flush()
            self.shown = False


def bar(done: float, width: int = BAR) -> str:
    """``[=====>    ]  52%``: ``done`` is the fraction read, clamped to 0..1 (files can grow
    while they are read)."""
    done = min(max(done, 0.0), 1.0)
    full = int(done * width)
    head = ">" if full < width else ""
    return f"[{'=' * full}{head}{' ' * (width - full - len(head))}] {int(done * 100):3d}%"


def _columns(err) -> int:
    """The terminal's width (80 when it cannot be told)."""
    try:
        return os.get_terminal_size(err.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"
