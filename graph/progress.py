"""Telling a person at a terminal what a slow step is doing.

A step that ends within a second says nothing: most queries answer in that time, and a
line that flashes by is noise.  One that takes longer says what it is doing once the
second has passed, then how long it took.  Only a terminal hears of it: a program that
reads stderr (a pipeline, a notebook's subprocess, the test suite) gets nothing it has
to filter out.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

__all__ = ["slow_step", "SLOW_AFTER_SECONDS"]

SLOW_AFTER_SECONDS = 1.0


@contextmanager
def slow_step(message: str, stream: TextIO | None = None, after: float = SLOW_AFTER_SECONDS) -> Iterator[None]:
    """Say `message` on `stream` (stderr) if the step runs longer than `after` seconds, then its time."""
    stream = stream if stream is not None else sys.stderr
    if not stream.isatty():
        yield
        return
    started = time.perf_counter()
    lock = threading.Lock()
    state = {"shown": False, "finished": False}

    def announce() -> None:
        with lock:
            if not state["finished"]:
                stream.write(f"{message}…")
                stream.flush()
                state["shown"] = True

    timer = threading.Timer(after, announce)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["finished"] = True
            if state["shown"]:
                stream.write(f" {time.perf_counter() - started:.1f} s\n")
                stream.flush()
