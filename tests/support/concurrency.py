"""Run the same action from several threads at once, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_concurrently(actions: list[Callable[[], Any]], timeout: float = 30) -> list[Any]:
    """Start every action at the same moment (a barrier); return each result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def worker(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = action()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
