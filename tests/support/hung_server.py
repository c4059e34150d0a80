"""A server on loopback that accepts TCP connections and never answers: a hung Redis."""

from __future__ import annotations

import contextlib
import socket
import threading


class HungServer:
    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(128)
        self.accepted = 0
        self._clients: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            # Kept open and never read: whatever the client sends waits for an answer.
            self._clients.append(client)
            self.accepted += 1

    def __enter__(self) -> HungServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        for client in self._clients:
            with contextlib.suppress(OSError):
                client.close()
