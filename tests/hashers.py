"""A cheaper Argon2 for the test suite (tests/settings.py): the same algorithm and hash format, smaller costs, so
that fixtures with many users stay fast. Production hashes with Django's own Argon2PasswordHasher."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
