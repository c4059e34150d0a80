"""A real SMTP server on loopback (aiosmtpd) that records what it receives."""

from __future__ import annotations

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
    def __init__(self, fail_first: int = 0) -> None:
        self.messages: list[Message] = []
        self.fail_first = fail_first
        self.attempts = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        with self._lock:
            self.attempts += 1
            if self.attempts <= self.fail_first:
                return "451 4.3.0 Try again later"
            self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30) -> list[Message]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return list(self.messages)
            time.sleep(0.1)
        return list(self.messages)


class SmtpServer:
    def __init__(self, fail_first: int = 0) -> None:
        self.port = free_port()
        self.handler = RecordingHandler(fail_first=fail_first)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
