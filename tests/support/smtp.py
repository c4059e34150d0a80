"""A real SMTP server on loopback (aiosmtpd) that records what it receives."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Records each message and the client connection (`peers`) it came over.

    `fail_first` answers the first messages with a temporary failure. `hold_first` keeps the
    first messages waiting in DATA until `release` is set, then refuses them, as a server would
    whose client went away mid-send.
    """

    def __init__(self, fail_first: int = 0, hold_first: int = 0) -> None:
        self.messages: list[Message] = []
        self.peers: list[tuple[str, int]] = []
        self.fail_first = fail_first
        self.hold_first = hold_first
        self.held = 0
        self.release = threading.Event()
        self.attempts = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        with self._lock:
            self.attempts += 1
            hold = self.attempts <= self.hold_first
            if hold:
                self.held += 1
        if hold:
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Client went away"
        with self._lock:
            if self.attempts <= self.fail_first:
                return "451 4.3.0 Try again later"
            self.messages.append(message_from_bytes(envelope.original_content))
            self.peers.append(session.peer)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30) -> list[Message]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return list(self.messages)
            time.sleep(0.1)
        return list(self.messages)


class SmtpServer:
    def __init__(self, fail_first: int = 0, hold_first: int = 0) -> None:
        self.port = free_port()
        self.handler = RecordingHandler(fail_first=fail_first, hold_first=hold_first)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def restart(self) -> None:
        """Stop and start again on the same port: every open connection is dropped."""
        self.controller.stop()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release_held()
        self.controller.stop()

    def release_held(self) -> None:
        self.handler.release.set()
