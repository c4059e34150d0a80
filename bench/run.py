"""The load run: gunicorn on PostgreSQL over loopback, locust against each page and the ceiling.

    bench/.venv/bin/python -m bench.run [--users 4] [--duration 30] [--only NAME ...]

Needs the dataset (python -m bench.generate) and bench/.venv (see bench/README.md). It waits
(up to --wait seconds) for the machine's load average to drop below 1.0, collects static files,
starts gunicorn on 127.0.0.1:8100, signs in as each role through the login form, warms every
page, then runs locust headless for --duration seconds per page, one page at a time, the
ceiling first. It then reads each worker's resident memory, stops gunicorn and writes the table
to bench/out/results.md. Everything stays on 127.0.0.1 and every step has a time limit.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.pages import CEILING, PAGES, Page

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PORT = 8100
BASE = f"http://{HOST}:{PORT}"
# Sync workers, one per core (BENCH_WORKERS=3 measures the production default of
# deploy/gunicorn.conf.py, one more than the cores).
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def load_average() -> float:
    return os.getloadavg()[0]


def wait_for_quiet(limit: float) -> float:
    deadline = time.monotonic() + limit
    load = load_average()
    while load >= 1.0 and time.monotonic() < deadline:
        print(f"  load average {load:.2f}: waiting for it to drop below 1.0 …", flush=True)
        time.sleep(15)
        load = load_average()
    return load


def django_env() -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}


def start_gunicorn() -> subprocess.Popen:
    # Sync workers, one per core: the pages are CPU-bound (templates, Python) and PostgreSQL
    # answers over loopback in well under a millisecond, so threads would mostly wait on the GIL.
    # Sync workers are gunicorn's default, the most predictable in memory, and what a small
    # server behind a buffering proxy (nginx) should run.
    command = [
        str(VENV_BIN / "gunicorn"),
        "leanleaders.wsgi:application",
        f"--bind={HOST}:{PORT}",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        "--timeout=30",
        f"--error-logfile={OUT / 'gunicorn.log'}",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=django_env())
    # Two workers importing the app: a second or two when quiet, a minute on a busy machine.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{BASE}/accounts/login/", timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 120 s; see bench/out/gunicorn.log")


def start_on_a_quiet_machine(wait: int) -> tuple[float, subprocess.Popen]:
    """Wait (up to `wait` seconds) for quiet, collect the static files, start gunicorn; the load
    average before, and the server."""
    print("Waiting for a quiet machine (load average below 1.0) …", flush=True)
    load_before = wait_for_quiet(wait)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=django_env(),
        check=True,
        # Hashing every static file takes seconds on a quiet machine, many minutes on a busy one.
        timeout=1800,
    )
    return load_before, start_gunicorn()


def sign_in(email: str, password: str) -> str:
    """Post the login form like a browser (CSRF token included); return the session key."""
    session = requests.Session()
    form = session.get(f"{BASE}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if token is None:
        raise SystemExit("No CSRF token on the login form")
    response = session.post(
        f"{BASE}/accounts/login/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{BASE}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"Could not sign in as {email} (HTTP {response.status_code})")
    return session.cookies["sessionid"]


def worker_rss_mb(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
        sizes.append(kb / 1024)
    return sizes


def run_locust(page: Page, path: str, session: str, users: int, duration: int) -> dict:
    slug = re.sub(r"[^a-z0-9]+", "-", page.name.lower()).strip("-")
    prefix = OUT / slug
    env = {**os.environ, "BENCH_PATH": path, "BENCH_SESSION": session, "BENCH_NAME": page.name}
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(BENCH / "locustfile.py"),
        "--headless",
        "--only-summary",
        f"--host={BASE}",
        f"--users={users}",
        f"--spawn-rate={users}",
        f"--run-time={duration}s",
        "--stop-timeout=5",
        f"--csv={prefix}",
        "--loglevel=WARNING",
    ]
    with open(f"{prefix}.log", "w") as log:
        subprocess.run(command, env=env, timeout=duration + 60, stdout=log, stderr=log, check=False)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")

    def ms(value: str) -> float:
        return float("nan") if value == "N/A" else float(value)

    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "p50": ms(row["50%"]),
        "p95": ms(row["95%"]),
        "rps": float(row["Requests/s"]),
        "bytes": float(row["Average Content Size"]),
    }


def table(results: list[tuple[Page, str, dict]], ceiling_p95: float) -> str:
    lines = [
        "| page | role | path | requests | failures | p50 ms | p95 ms | req/s | KB "
        "| p95 ÷ ceiling p95 | goals (≤ 4x, ≤ 200 ms) | load |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for page, path, r in results:
        ratio = r["p95"] / ceiling_p95 if ceiling_p95 else float("nan")
        met = page is CEILING or (ratio <= 4 and r["p95"] <= 200 and r["failures"] == 0)
        lines.append(
            f"| {page.name} | {page.role} | `{path}` | {r['requests']:,} | {r['failures']} "
            f"| {r['p50']:.0f} | {r['p95']:.0f} | {r['rps']:.1f} | {r['bytes'] / 1024:.0f} "
            f"| {ratio:.1f}x | {'—' if page is CEILING else 'met' if met else '**not met**'} "
            f"| {r['load']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--duration", type=int, default=30, help="seconds per page")
    parser.add_argument("--wait", type=int, default=300, help="max seconds to wait for quiet")
    parser.add_argument("--only", nargs="*", help="page names to run (the ceiling always runs)")
    args = parser.parse_args(argv)

    OUT.mkdir(exist_ok=True)
    subjects_file = OUT / "subjects.json"
    if not subjects_file.exists():
        raise SystemExit("No dataset: run `python -m bench.generate` first.")
    subjects = json.loads(subjects_file.read_text())
    pages = [p for p in PAGES if not args.only or p.name in args.only]

    load_before, server = start_on_a_quiet_machine(args.wait)
    try:
        sessions = {
            role: sign_in(subjects[role], subjects["password"])
            for role in ("trainee", "manager", "analyst")
        }
        results = []
        # The ceiling runs first and last; the reference is the mean of the two p95s, so a
        # machine that got busier or quieter during the run moves it too.
        for page in [CEILING, *pages, CEILING]:
            path = page.path.format(**subjects)
            cookies = {"sessionid": sessions[page.role]}
            for _ in range(4):  # warm both workers: imports, template cache, connections
                requests.get(BASE + path, cookies=cookies, timeout=30, allow_redirects=False)
            print(f"  {page.name:<26} {path:<40}", end=" ", flush=True)
            result = run_locust(page, path, sessions[page.role], args.users, args.duration)
            result["load"] = load_average()
            print(
                f"p50 {result['p50']:.0f} ms  p95 {result['p95']:.0f} ms  "
                f"{result['rps']:.1f}/s  load {result['load']:.2f}"
            )
            results.append((page, path, result))
        rss = worker_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    load_after = load_average()

    ceiling_p95 = (results[0][2]["p95"] + results[-1][2]["p95"]) / 2
    report = "\n".join(
        [
            table(results, ceiling_p95),
            "",
            f"Resident memory per gunicorn worker after the run: "
            f"{', '.join(f'{mb:.0f} MB' for mb in rss)} (goal: under 150 MB).",
            f"Load average (1 min) before: {load_before:.2f}, after: {load_after:.2f}. "
            f"{args.users} users, {args.duration} s per page, {WORKERS} sync workers, "
            f"{os.cpu_count()} cores. Dataset: {subjects['rows']:,} rows "
            f"(scale {subjects['scale']}), built in {subjects['build_seconds']} s.",
        ]
    )
    (OUT / "results.md").write_text(report + "\n")
    print()
    print(report)


if __name__ == "__main__":
    main()
