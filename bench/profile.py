"""Time each benchmark page in-process, with its query count: the quick loop while fixing.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.profile \
        [--repeat 5] [--sql] [--split] [--cprofile N] [--subjects FILE] [NAME ...]

Uses Django's test client against the benchmark database (no server, no network), so the
figures are the view's own cost: the median of --repeat requests after one warm-up. Pages keep
nothing between requests, so every request is the cold path.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models.sql.compiler import SQLCompiler  # noqa: E402
from django.template.base import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.pages import CEILING, PAGES, Page  # noqa: E402
from leanleaders.models import User  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def size_kb(response) -> float:
    if response.streaming:
        if not hasattr(response, "_bench_size"):
            response._bench_size = sum(len(chunk) for chunk in response.streaming_content)
        return response._bench_size / 1024
    return len(response.content) / 1024


def print_hotspots(client: Client, path: str, limit: int, sort: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    size_kb(client.get(path))
    profiler.disable()
    pstats.Stats(profiler).sort_stats(sort).print_stats(limit)


class Split:
    """Where a request's time goes: SQL (time in the database driver), compiling it (the ORM's
    `SQLCompiler.as_sql`, outermost calls), templates (rendering, less the SQL a template runs
    and compiles) and the rest (middleware, the view's Python, the ORM building its querysets
    and its rows). Template.render and as_sql are wrapped for the run, outermost calls only."""

    def __init__(self) -> None:
        self.reset()
        self._rendering = self._compiling = 0

    def reset(self) -> None:
        self.sql = self.compile = self.templates = 0.0
        self.sql_in_templates = self.compile_in_templates = 0.0

    def execute(self, execute, sql, params, many, context):  # a connection.execute_wrapper
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.sql += spent
            if self._rendering:
                self.sql_in_templates += spent

    def wrap_templates(self) -> None:
        render = Template._render
        as_sql = SQLCompiler.as_sql
        split = self

        def timed_render(template, context):
            if split._rendering:
                return render(template, context)
            split._rendering += 1
            start = time.perf_counter()
            try:
                return render(template, context)
            finally:
                split.templates += time.perf_counter() - start
                split._rendering -= 1

        def timed_as_sql(compiler, *args, **kwargs):
            if split._compiling:
                return as_sql(compiler, *args, **kwargs)
            split._compiling += 1
            start = time.perf_counter()
            try:
                return as_sql(compiler, *args, **kwargs)
            finally:
                spent = time.perf_counter() - start
                split.compile += spent
                if split._rendering:
                    split.compile_in_templates += spent
                split._compiling -= 1

        Template._render = timed_render
        SQLCompiler.as_sql = timed_as_sql

    def columns(self, total_ms: float) -> str:
        sql, compile_ = self.sql * 1000, self.compile * 1000
        templates = (self.templates - self.sql_in_templates - self.compile_in_templates) * 1000
        rest = total_ms - sql - compile_ - templates
        return (
            f"  sql {sql:5.1f}  compile {compile_:5.1f}  templates {templates:5.1f}"
            f"  rest {rest:5.1f}"
        )


def print_plans(captured: list[dict], slower_than_ms: float) -> None:
    # The captured SQL has its parameters inlined by the backend, so it can be explained as is.
    with connection.cursor() as cursor:
        for query in captured:
            if float(query["time"]) * 1000 < slower_than_ms:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print(f"--- {float(query['time']) * 1000:.1f} ms\n{query['sql']}")
            print("\n".join(row[0] for row in cursor.fetchall()))


@dataclass
class Timed:
    """`repeat` requests of one path: each time (ms) with its split, the last request's queries
    and response."""

    times: list[float]
    splits: list[tuple[float, str]]
    queries: CaptureQueriesContext
    response: Any

    def line(self, label: str) -> str:
        """The line `main` prints for the page: median time, query count, size (and split)."""
        return (
            f"{label:<26} {self.response.status_code} {statistics.median(self.times):8.1f} ms "
            f"{len(self.queries.captured_queries):3d} queries {size_kb(self.response):6.0f} KB"
            + (sorted(self.splits)[len(self.splits) // 2][1] if self.splits else "")
        )


def timed(client: Client, path: str, repeat: int, split: Split | None = None) -> Timed:
    """`repeat` requests of `path` after a warm-up, split (when given) into SQL, templates and
    the rest."""
    client.get(path)
    times: list[float] = []
    splits: list[tuple[float, str]] = []
    for _ in range(repeat):
        # Timed through the wrapper only when asked: it adds to every query's time.
        timing_sql = nullcontext() if split is None else connection.execute_wrapper(split.execute)
        if split is not None:
            split.reset()
        with CaptureQueriesContext(connection) as queries, timing_sql:
            start = time.perf_counter()
            response = client.get(path)
            size_kb(response)  # a streamed body is produced while it is read
            times.append((time.perf_counter() - start) * 1000)
        if split is not None:
            splits.append((times[-1], split.columns(times[-1])))
    return Timed(times, splits, queries, response)


def client_for(subjects: dict, role: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=subjects[role]))
    return client


def time_page(page: Page, subjects: dict, *, repeat: int, label: str) -> str:
    """One page's line as `main` prints it (no split), under `label`."""
    return timed(client_for(subjects, page.role), page.path.format(**subjects), repeat).line(label)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--cprofile", type=int, metavar="N", help="print the N costliest functions of each page"
    )
    parser.add_argument(
        "--sort",
        default="cumulative",
        choices=["cumulative", "tottime"],
        help="how --cprofile orders the calls (tottime: where the time is spent itself)",
    )
    parser.add_argument("--sql", action="store_true", help="print each query with its time")
    parser.add_argument(
        "--split",
        action="store_true",
        help="split the median request's time into SQL, compiling it, templates and the rest",
    )
    parser.add_argument(
        "--explain",
        type=float,
        metavar="MS",
        help="print PostgreSQL's EXPLAIN ANALYZE of each query slower than MS milliseconds",
    )
    parser.add_argument(
        "--subjects",
        type=Path,
        default=OUT / "subjects.json",
        help="the accounts of the dataset DATABASE_URL names (bench.generate writes them)",
    )
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    subjects = json.loads(args.subjects.read_text())
    split = Split() if args.split else None
    if split is not None:
        split.wrap_templates()
    clients = {role: client_for(subjects, role) for role in ("trainee", "manager", "analyst")}
    for page in [CEILING, *PAGES]:
        if args.names and page.name not in args.names:
            continue
        path = page.path.format(**subjects)
        client = clients[page.role]
        found = timed(client, path, args.repeat, split)
        if args.sql:
            for query in found.queries.captured_queries:
                print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
        if args.explain is not None:
            print_plans(found.queries.captured_queries, args.explain)
        if args.cprofile:
            print_hotspots(client, path, args.cprofile, args.sort)
        print(found.line(page.name))


if __name__ == "__main__":
    main()
