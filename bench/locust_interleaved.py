"""The interleaved load: every page and the ceiling in one run, with a writer.

Started by bench/interleaved.py with BENCH_PLAN (a JSON file: for each page its name and the
(path, session cookie) pairs of the different people who read it) and BENCH_SAMPLES (where each
process writes every response time it saw, so the runner computes exact percentiles rather than
locust's rounded ones).

- Readers wait a moment between requests, as people do, and each request picks a page (or the
  ceiling, more often) at random, then one of the people who read it: every page and the ceiling
  share the same moment's load.
- One writer, as a trainee, posts the real measurement form every 1-2 s (CSRF token and all), so
  readers meet a database that is being written to.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections import defaultdict

from locust import HttpUser, between, events, task

from bench.pages import WRITER_NAME

with open(os.environ["BENCH_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
WEIGHTS = [page["weight"] for page in PLAN["pages"]]  # the ceiling's is higher (interleaved.py)
SAMPLES_PATH = os.environ["BENCH_SAMPLES"]
_samples: dict[str, list[float]] = defaultdict(list)
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_MEASURE = re.compile(r'name="log-measure".*?value="(\d+)"', re.DOTALL)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs) -> None:
    if exception is None:
        _samples[name].append(response_time)


@events.quitting.add_listener
def _write_samples(environment, **kwargs) -> None:
    with open(f"{SAMPLES_PATH}.{os.getpid()}.json", "w") as out:
        json.dump(_samples, out)


class Reader(HttpUser):
    # A person reads for a moment between pages. With the default 8 readers the server is busy
    # but not saturated: a saturated server queues every request alike, and the ratios to the
    # ceiling would measure the queue, not the pages.
    wait_time = between(0.5, 1.5)
    weight = 20

    @task
    def read(self) -> None:
        page = random.choices(PLAN["pages"], weights=WEIGHTS)[0]
        path, session = random.choice(page["people"])
        with self.client.get(
            path,
            name=page["name"],
            cookies={"sessionid": session},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Writer(HttpUser):
    wait_time = between(1, 2)
    fixed_count = 1

    @task
    def log_measurement(self) -> None:
        path, session = random.choice(PLAN["writer"])
        cookies = {"sessionid": session}
        form = self.client.get(path, name="writer: measurement form", cookies=cookies)
        token, measure = _TOKEN.search(form.text), _MEASURE.search(form.text)
        if token is None or measure is None:
            return
        with self.client.post(
            path,
            name=WRITER_NAME,
            cookies={**cookies, "csrftoken": form.cookies.get("csrftoken", "")},
            data={
                "csrfmiddlewaretoken": token.group(1),
                "log-measure": measure.group(1),
                "log-date": PLAN["today"],
                "log-value": f"{random.uniform(5, 50):.1f}",
                "log-note": "",
            },
            headers={"Referer": self.host + path},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")
