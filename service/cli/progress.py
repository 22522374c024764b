"""A step progress bar for long work (training), on stderr so stdout stays machine-readable."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


@contextmanager
def step_progress(total_steps: int) -> Iterator[Callable[[str], None]]:
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                        TimeElapsedColumn(), console=Console(file=sys.stderr), transient=False)
    with progress:
        task = progress.add_task("starting", total=total_steps)
        first = [True]

        def advance(message: str) -> None:
            if not first[0]:
                progress.advance(task)
            first[0] = False
            progress.update(task, description=message)

        yield advance
        progress.update(task, completed=total_steps, description="done")
