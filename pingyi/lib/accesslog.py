"""gunicorn's access log, written for a fraction of its cost (``pingyi serve`` uses it: ``--logger-class``).

gunicorn's own ``Logger.access`` builds a dictionary of every request header, response header and environ variable
for each request, wraps it, formats it through ``logging`` (a record, a lock, a flush): measured on the P1 intake,
about a third of a millisecond of CPU per request, as much as the rest of the server's request handling
(BENCHMARKS.md, 2026-12-03). ``AccessLog`` writes the same line — Apache's combined format, gunicorn's default, with
the request time in milliseconds appended — straight to the access log's stream, one write per request, under the
handler's lock (so lines of concurrent threads never interleave). A ``kill -USR1`` still reopens the file, because
the stream is taken from the handler at every write.

Any other configuration (a custom ``--access-logformat``, syslog, a logging config) keeps gunicorn's way.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from gunicorn import glogging
from gunicorn.config import AccessLogFormat


class AccessLog(glogging.Logger):
    """``glogging.Logger`` with a direct access line when the access log is plainly a file or standard output."""

    _handler: logging.StreamHandler[Any] | None = None
    _second = -1
    _stamp = ""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        handlers = self.access_log.handlers
        plain = (
            len(handlers) == 1
            and type(handlers[0]) in (logging.StreamHandler, logging.FileHandler)
            and cfg.access_log_format == AccessLogFormat.default
            and not (cfg.logconfig or cfg.logconfig_dict or cfg.logconfig_json or cfg.syslog)
        )
        self._handler = handlers[0] if plain else None  # type: ignore[assignment]

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        handler = self._handler
        if handler is None:
            super().access(resp, req, environ, request_time)
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        ms = request_time.seconds * 1000 + request_time.microseconds // 1000
        line = (
            f"{environ.get('REMOTE_ADDR', '-')} - - {self._now()} "
            f'"{environ["REQUEST_METHOD"]} {_quoted(environ["RAW_URI"])} {environ["SERVER_PROTOCOL"]}" '
            f"{status} {sent if sent is not None else '-'} "
            f'"{_quoted(environ.get("HTTP_REFERER", "-"))}" "{_quoted(environ.get("HTTP_USER_AGENT", "-"))}" {ms}\n'
        )
        handler.acquire()
        try:
            stream = handler.stream
            stream.write(line)
            stream.flush()
        except Exception:  # as logging does: a failed log line never fails the request
            self.error("access log: could not write a line")
        finally:
            handler.release()

    def _now(self) -> str:
        """The time stamp of the combined format, made once a second (the format has no finer unit)."""
        second = int(time.time())
        if second != self._second:
            self._stamp = time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(second))
            self._second = second
        return self._stamp


def _quoted(text: str) -> str:
    """A field between double quotes, as gunicorn's SafeAtoms escapes it."""
    return text.replace('"', '\\"') if '"' in text else text
