"""What a person at a terminal sees of a slow step, and what a program reading stderr does not."""

from __future__ import annotations

import io
import time

from vnlineage.graph.progress import slow_step


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_slow_step_says_what_it_does_and_how_long_it_took():
    terminal = _Terminal()
    with slow_step("reading the graph", stream=terminal, after=0.2):
        time.sleep(0.5)
    said = terminal.getvalue()
    assert said.startswith("reading the graph…") and said.endswith(" s\n")
    assert 0.4 <= float(said.split("…")[1].split()[0]) < 5


def test_a_quick_step_and_a_pipe_hear_nothing():
    terminal, pipe = _Terminal(), io.StringIO()
    with slow_step("reading the graph", stream=terminal, after=0.5):
        pass
    with slow_step("reading the graph", stream=pipe, after=0.0):
        time.sleep(0.1)
    time.sleep(0.6)  # a late timer must not write after the step ended
    assert terminal.getvalue() == "" and pipe.getvalue() == ""

