"""`govgraph generate`: write a synthetic city as a dataset that `govgraph import` reads."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph.synthetic import MAX_SCALE, MIN_SCALE, generate

out = Console()


def generate_command(
    folder: Annotated[Path, typer.Option("--out", help="The folder to write the CSV files to.")],
    scale: Annotated[
        float,
        typer.Option(
            min=MIN_SCALE,
            max=MAX_SCALE,
            help="1 is Xiangyang: 5,260,951 people (a few minutes); 0.01 takes seconds.",
        ),
    ] = 1.0,
    seed: Annotated[int, typer.Option(help="The same seed writes the same files.")] = 1,
) -> None:
    """Write a synthetic city (Xiangyang at --scale 1) in the import format."""
    columns = (TextColumn("households"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out, transient=True) as progress:
        task = progress.add_task("generate", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        counts = generate(scale, seed, folder, progress=advance)
    table = Table(title=f"Written to {folder}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for file, rows in counts.items():
        table.add_row(file, f"{rows:,}")
    out.print(table)
