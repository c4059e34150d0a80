"""A real password hasher that also counts how often it hashes, for tests about the work a
request does (PBKDF2 with fewer rounds than production, still slow enough to time)."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class CountingPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 100_000
    hashed = 0

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        type(self).hashed += 1
        return super().encode(password, salt, iterations)
