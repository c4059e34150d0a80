"""One page, requested as fast as the server answers, by a signed-in user.

The runner (bench/run.py) starts locust once per page with BENCH_PATH (what to request) and
BENCH_SESSION (the session cookie of the role that reads it). Any answer but a 200, a redirect
included, counts as a failure.
"""

import os

from locust import HttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
SESSION = os.environ["BENCH_SESSION"]
NAME = os.environ.get("BENCH_NAME", PATH)


class Reader(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", SESSION, domain="127.0.0.1")

    @task
    def read(self) -> None:
        with self.client.get(
            PATH, name=NAME, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
