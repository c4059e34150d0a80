"""The test OpenID Connect provider (tests/support/oidc_provider) as a subprocess on a free
loopback port, for the sign-in tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "lean-leaders-tests"
CLIENT_SECRET = "a-client-secret-for-tests-only"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Provider:
    url: str
    client_id: str
    client_secret: str
    log: Path

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def set_mode(self, mode: str) -> None:
        """What the next ID tokens get wrong: "normal", "wrong-audience", "bad-signature"."""
        data = urllib.parse.urlencode({"mode": mode}).encode()
        with urllib.request.urlopen(f"{self.url}/test/mode", data=data, timeout=5) as answer:  # noqa: S310  (loopback)
            assert answer.read().decode() == mode


@contextlib.contextmanager
def running_provider(
    *,
    identities: dict[str, dict[str, object]],
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
) -> Iterator[Provider]:
    workdir = Path(tempfile.mkdtemp(prefix="oidc-test-"))
    (workdir / "identities.json").write_text(json.dumps(identities))
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "tests.support.oidc_provider.serve",
        f"--port={port}",
        f"--identities={workdir / 'identities.json'}",
        f"--client-id={CLIENT_ID}",
        f"--client-secret={CLIENT_SECRET}",
        *(f"--redirect-uri={uri}" for uri in redirect_uris),
        *(f"--post-logout-redirect-uri={uri}" for uri in post_logout_redirect_uris),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    log = workdir / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )
    provider = Provider(
        url=f"http://127.0.0.1:{port}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, log=log
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the test provider stopped:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(  # noqa: S310  (loopback)
                    f"{provider.issuer}/.well-known/openid-configuration", timeout=5
                ):
                    break
            except OSError as error:  # refused, reset or timed out while it starts
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the test provider never answered:\n{log.read_text()}"
                    ) from error
                time.sleep(0.2)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
