"""The interleaved load run: every page, the ceiling and the admin peer in ONE locust run.

    bench/.venv/bin/python -m bench.interleaved [--readers 8] [--duration 300] [--wait 300]

Why one run: on a shared 2-core machine, runs of one page after another measure the machine's
drift as much as the page. Here each request picks a page (or the ceiling) at random, so every
page and the ceiling are measured under the same moment's load, and the ratio of a page's p95 to
the ceiling's p95 in the same run is the figure that means something. The ceiling, every ratio's
denominator, is picked `CEILING_WEIGHT` times as often as a page, for a steadier p95. Readers are
many different people (40 trainees, every department's manager, several analysts) with a short
think time; one writer logs a measurement through the real form every 1-2 s.

Needs the dataset (python -m bench.generate) and bench/.venv (see bench/README.md). Writes the
table to bench/out/interleaved.md. Everything stays on 127.0.0.1 and every step has a time limit.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import glob
import json
import os
import signal
import subprocess
import time
from statistics import quantiles
from zoneinfo import ZoneInfo

import requests

from bench.pages import CEILING, PAGES, PEER, WRITER_NAME, Page
from bench.run import (
    BASE,
    BENCH,
    OUT,
    ROOT,
    VENV_BIN,
    WORKERS,
    load_average,
    sign_in,
    start_on_a_quiet_machine,
    worker_rss_mb,
)

GOAL_RATIO = 3.0
# The ceiling's p95 divides every page's, so it is read 4 times as often as a page: from the
# ~120 requests a page gets in 300 s, two runs of the same code half an hour apart found it at
# 10.2 and 15.0 ms (the pages' p95s moved by 10 % at most), and every ratio moved with it.
CEILING_WEIGHT = 4
GOAL_P95_MS = 100.0
CITY_TIME_ZONE = os.environ.get("LEANLEADERS_TIME_ZONE", "America/Los_Angeles")
MANAGERS_SIGNED_IN = 20
ANALYSTS_SIGNED_IN = 6


def people_of(subjects: dict, sessions: dict[str, str], page: Page) -> list[tuple[str, str]]:
    """(path, session) for each person who reads `page` in the run."""
    trainees = subjects["trainees"]
    if page.role == "trainee":
        return [(page.path.format(**{**subjects, **t}), sessions[t["email"]]) for t in trainees]
    if page.role == "manager":
        # The largest department's manager (the worst case) and others beside them.
        emails = [subjects["manager"], *subjects["managers"][: MANAGERS_SIGNED_IN - 1]]
        return [(page.path.format(**subjects), sessions[e]) for e in dict.fromkeys(emails)]
    analysts = subjects["analysts"][:ANALYSTS_SIGNED_IN]
    # Analysts look at the cohorts and projects of different trainees.
    return [
        (page.path.format(**{**subjects, **trainees[i % len(trainees)]}), sessions[email])
        for i, email in enumerate(analysts * 4)
    ]


def percentile_ms(samples: list[float], percent: int) -> float:
    if len(samples) < 2:
        return float("nan")
    return quantiles(samples, n=100, method="inclusive")[percent - 1]


def run(args: argparse.Namespace) -> str:
    subjects = json.loads((OUT / "subjects.json").read_text())
    if "trainees" not in subjects:
        raise SystemExit("The dataset predates the interleaved run: run `bench.generate` again.")
    load_before, server = start_on_a_quiet_machine(args.wait)
    try:
        emails = {
            *(t["email"] for t in subjects["trainees"]),
            subjects["manager"],
            *subjects["managers"][:MANAGERS_SIGNED_IN],
            *subjects["analysts"][:ANALYSTS_SIGNED_IN],
        }
        print(f"Signing in {len(emails)} people through the login form …", flush=True)
        sessions = {email: sign_in(email, subjects["password"]) for email in sorted(emails)}
        pages = [CEILING, *PAGES, PEER]
        plan = {
            "pages": [
                {
                    "name": p.name,
                    "people": people_of(subjects, sessions, p),
                    "weight": CEILING_WEIGHT if p == CEILING else 1,
                }
                for p in pages
            ],
            "writer": [
                (f"/projects/{t['project']}/measurements/add/", sessions[t["email"]])
                for t in subjects["trainees"][:10]
            ],
            # The city's date: a measurement dated tomorrow would be refused.
            "today": dt.datetime.now(ZoneInfo(CITY_TIME_ZONE)).date().isoformat(),
        }
        for page in plan["pages"]:  # warm both workers: imports, templates, connections
            for path, session in page["people"][:4]:
                response = requests.get(
                    BASE + path, cookies={"sessionid": session}, timeout=60, allow_redirects=False
                )
                if response.status_code != 200:
                    raise SystemExit(f"{page['name']} answered {response.status_code} at {path}")
        plan_file, samples = OUT / "plan.json", OUT / "samples"
        plan_file.write_text(json.dumps(plan))
        for old in glob.glob(f"{samples}.*.json"):
            os.remove(old)
        print(f"Running {args.readers} readers and a writer for {args.duration} s …", flush=True)
        users = args.readers + 1
        env = {
            **os.environ,
            "BENCH_PLAN": str(plan_file),
            "BENCH_SAMPLES": str(samples),
            "PYTHONPATH": str(ROOT),
        }
        command = [
            str(VENV_BIN / "locust"),
            "-f",
            str(BENCH / "locust_interleaved.py"),
            "--headless",
            "--only-summary",
            f"--host={BASE}",
            f"--users={users}",
            f"--spawn-rate={users}",
            f"--run-time={args.duration}s",
            "--stop-timeout=5",
            f"--csv={OUT / 'interleaved'}",
            "--loglevel=WARNING",
        ]
        with open(OUT / "interleaved.log", "w") as log:
            subprocess.run(
                command, env=env, timeout=args.duration + 120, stdout=log, stderr=log, check=False
            )
        rss = worker_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    load_after = load_average()

    times: dict[str, list[float]] = {}
    for name in glob.glob(f"{samples}.*.json"):
        with open(name) as sample_file:
            for page, values in json.load(sample_file).items():
                times.setdefault(page, []).extend(values)
    with open(OUT / "interleaved_stats.csv", newline="") as stats:
        failures = {r["Name"]: int(r["Failure Count"]) for r in csv.DictReader(stats)}
    ceiling_p95 = percentile_ms(times[CEILING.name], 95)
    lines = [
        f"| page | role | people | requests | failures | p50 ms | p95 ms "
        f"| p95 ÷ ceiling p95 | goals (≤ {GOAL_RATIO:.0f}x, ≤ {GOAL_P95_MS:.0f} ms) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for page, entry in zip(pages, plan["pages"], strict=True):
        values = times.get(page.name, [])
        p95 = percentile_ms(values, 95)
        ratio = p95 / ceiling_p95
        fails = failures.get(page.name, 0)
        met = ratio <= GOAL_RATIO and p95 <= GOAL_P95_MS and fails == 0
        goal = "—" if page in (CEILING, PEER) else "met" if met else "**not met**"
        lines.append(
            f"| {page.name} | {page.role} | {len(set(entry['people']))} | {len(values):,} "
            f"| {fails} | {percentile_ms(values, 50):.1f} | {p95:.1f} | {ratio:.1f}x | {goal} |"
        )
    written = times.get(WRITER_NAME, [])
    lines += [
        "",
        f"Writer: {len(written)} measurements logged through the form "
        f"(p95 {percentile_ms(written, 95):.1f} ms, {failures.get(WRITER_NAME, 0)} failures).",
        f"Resident memory per gunicorn worker after the run: "
        f"{', '.join(f'{mb:.0f} MB' for mb in rss)} (goal: under 150 MB).",
        f"Load average (1 min) before: {load_before:.2f}, after: {load_after:.2f}. "
        f"{args.readers} readers and 1 writer for {args.duration} s, {WORKERS} sync workers, "
        f"{os.cpu_count()} cores. Dataset: {subjects['rows']:,} rows (scale {subjects['scale']}).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--duration", type=int, default=300, help="seconds")
    parser.add_argument("--wait", type=int, default=300, help="max seconds to wait for quiet")
    args = parser.parse_args(argv)
    began = time.monotonic()
    report = run(args)
    (OUT / "interleaved.md").write_text(report + "\n")
    print()
    print(report)
    print(f"\n({time.monotonic() - began:.0f} s in all)")


if __name__ == "__main__":
    main()
