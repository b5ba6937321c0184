"""P1's companion: where a rating's CPU goes, measured in one process, one request at a time (no HTTP, no threads).

    .venv/bin/python benchmarks/p1_costs.py [--requests 2000] [--rounds 2]

Recreates P1's database (P1_DB, default hp1_bench, as ``p1_intake.py`` does), then calls the benchmark's WSGI
application (benchmarks/p1_app/wsgi.py) directly, in this process, with the requests wrk sends in P1, and reads the
CPU time of this process and of its PostgreSQL backend (``/proc``) around each series:

- ``bare_raw``: the one-INSERT ceiling, whole request;
- ``rating``: the citizen page's JSON post through the lean intake, whole request (one at a time, so each group-commit
  statement stores one rating);
- ``rating, no statement``: the same request with the group commit's store answering "stored" without a database
  (and no events: nothing was stored) — the lean request's own Python (form, token, checks, row values, answer);
- the batch statement (``intake.batch.store``) alone at 1, 4 and 16 ratings per statement: its cost per statement
  and per row, for the client and the backend.

Prints only. The CPU figures are what to compare between runs; a series' wall time depends on what else runs.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

import p1_intake as p1

SCALE_RUN = 7  # phones and cookies of this script's requests: distinct from P1's runs (0-9 in another prefix)


def backend_cpu() -> float:
    from django.db import connection

    return p1._cpu_seconds(connection.connection.info.backend_pid)


def measure(fn: Callable[[], Any], n: int) -> tuple[float, float]:
    """CPU ms per call of this process and of its backend."""
    from django.db import connection

    fn()
    connection.ensure_connection()
    c0, b0 = time.process_time(), backend_cpu()
    for _ in range(n):
        fn()
    c1, b1 = time.process_time(), backend_cpu()
    return 1e3 * (c1 - c0) / n, 1e3 * (b1 - b0) / n


class Requests:
    """The WSGI environ of P1's requests (benchmarks/p1_app/load.lua), one new phone, cookie and comment each."""

    def __init__(self, posters: list[str]) -> None:
        from pingyi.ratings import formtoken

        self.posters = posters
        self.tokens = {p: formtoken.issue(p) for p in posters}
        self.counter = itertools.count(1)
        self.statuses: list[str] = []

    def environ(self, path_of: Callable[[str], str]) -> dict[str, Any]:
        n = next(self.counter)
        poster = self.posters[n % len(self.posters)]
        comment = f"p1c-{n:08d}"
        body = f"level={n % 5 + 1}&phone=15{SCALE_RUN}{n:08d}&comment={comment}&ft={self.tokens[poster]}".encode()
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path_of(poster),
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(p1.PORT),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": f"127.0.0.1:{p1.PORT}",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_ACCEPT": "application/json",
            "HTTP_COOKIE": f"pyd=c{SCALE_RUN}{n:029d}",
            "HTTP_X_REQUEST_ID": comment,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }

    def call(self, app: Callable[..., Iterable[bytes]], path_of: Callable[[str], str]) -> None:
        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            if not status.startswith(("200", "201")):
                raise RuntimeError(f"the request was refused: {status}")

        b"".join(app(self.environ(path_of), start_response))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests (or statements) per series")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    p1.WORK.mkdir(parents=True, exist_ok=True)
    p1.HOME.mkdir(parents=True, exist_ok=True)
    print(f"load average {p1.loadavg()}; creating {p1.DB_NAME}, migrating, seeding …", flush=True)
    posters = p1.create_database()
    os.environ.update(p1.env())
    sys.path.insert(0, str(p1.BENCH))

    from p1_app.wsgi import application  # django.setup() happens here

    from pingyi.lib import scales
    from pingyi.ratings.intake import RatingInput
    from pingyi.ratings.intake import wsgi as intake_wsgi
    from pingyi.ratings.intake.batch import Prepared, Stored, prepare, store

    requests = Requests(posters)
    rating_path = "/r/{}".format
    real_store = intake_wsgi.GROUP.store

    def no_statement(batch: list[Prepared]) -> list[Stored | Exception]:
        return [Stored(0, 0, 0, 0, None, []) for _ in batch]

    real_events = intake_wsgi.ratings_stored

    def rating_without_statement() -> None:
        # Nothing is stored, so there is nothing for the events' receivers (a 差评's ticket) to act on.
        intake_wsgi.GROUP.store = no_statement
        intake_wsgi.ratings_stored = lambda ratings: None
        try:
            requests.call(application, rating_path)
        finally:
            intake_wsgi.GROUP.store = real_store
            intake_wsgi.ratings_stored = real_events

    ids = itertools.count(1)

    def batch_of(size: int) -> list[Prepared]:
        out = []
        for _ in range(size):
            n = next(ids)
            data = RatingInput(
                channel=scales.Channel.QR,
                scale=scales.Scale("five"),
                level=n % 5 + 1,
                tags=[],
                dimensions={},
                comment=f"p1s-{n}",
                phone=f"16{SCALE_RUN}{n:08d}",
                device_fp=f"p1s{n}",
                network_fp="p1s",
            )
            out.append(prepare(data, posters[n % len(posters)]))
        return out

    def statement(size: int) -> Callable[[], None]:
        """One store of a batch built beforehand (building it, ``prepare``, is in "rating, no statement")."""
        batches = iter([batch_of(size) for _ in range(max(100, args.requests // size) + 1)])

        def run() -> None:
            results = store(next(batches))
            assert all(isinstance(r, Stored) for r in results), results

        return run

    def bare_raw() -> None:
        requests.call(application, lambda _poster: "/bench/bare_raw")

    def rating() -> None:
        requests.call(application, rating_path)

    # (name, a function that makes the series' call, ratings per call); the batches of a series are built when the
    # series starts, outside its measurement
    series: list[tuple[str, Callable[[], Callable[[], None]], int]] = [
        ("bare_raw (whole request)", lambda: bare_raw, 1),
        ("rating (whole request)", lambda: rating, 1),
        ("rating, no statement", lambda: rating_without_statement, 1),
        ("batch statement, 1 rating", lambda: statement(1), 1),
        ("batch statement, 4 ratings", lambda: statement(4), 4),
        ("batch statement, 16 ratings", lambda: statement(16), 16),
    ]
    print(
        f"{'series':30s} {'client ms':>10s} {'backend ms':>11s}  per rating: {'client':>7s} {'backend':>8s}"
    )
    seen: dict[str, list[tuple[float, float]]] = {}
    for round_no in range(args.rounds):
        for name, make, size in series:
            n = max(100, args.requests // size)
            client, backend = measure(make(), n)
            seen.setdefault(name, []).append((client, backend))
            print(
                f"{name:30s} {client:10.3f} {backend:11.3f}  {'':12s} {client / size:7.3f} {backend / size:8.3f}"
                f"  (round {round_no + 1}, load {p1.loadavg()})",
                flush=True,
            )
    one = [b for _, b in seen["batch statement, 1 rating"]]
    sixteen = [b for _, b in seen["batch statement, 16 ratings"]]
    per_row = (min(sixteen) - min(one)) / 15
    print(
        f"\nbackend, batch statement: about {min(one) - per_row:.2f} ms per statement and {per_row:.2f} ms per "
        "rating (from the cheapest 1- and 16-rating series)"
    )


if __name__ == "__main__":
    main()
