"""SMS gateways. The backend is chosen by the setting PINGYI_SMS_BACKEND (a dotted path to a class).

A backend's ``send(phone, body)`` returns the gateway's message id or raises ``SmsSendError``; the outbox retries.
``FileBackend`` (the default) appends one JSON line per message to PINGYI_HOME/sms-outbox.jsonl, for deployments
whose gateway picks the file up and for the demo; ``FailingBackend`` always fails (tests of retries).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsSendError(Exception):
    """The gateway did not take the message; the outbox tries again later."""


class SmsBackend:
    def send(self, phone: str, body: str) -> str:
        raise NotImplementedError


class FileBackend(SmsBackend):
    filename = "sms-outbox.jsonl"

    def path(self) -> Path:
        return Path(settings.HOME) / self.filename

    def send(self, phone: str, body: str) -> str:
        message_id = "F" + secrets.token_hex(8)
        line = json.dumps(
            {"id": message_id, "at": timezone.now().isoformat(), "phone": phone, "body": body},
            ensure_ascii=False,
        )
        try:
            path = self.path()
            path.parent.mkdir(parents=True, exist_ok=True)
            # One write() of a whole line on an O_APPEND descriptor: concurrent senders never interleave lines.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)
        except OSError as exc:
            raise SmsSendError(f"写入短信发件文件失败：{exc}") from exc
        return message_id


class FailingBackend(SmsBackend):
    def send(self, phone: str, body: str) -> str:
        raise SmsSendError("短信网关不可用（测试用 FailingBackend）")


def get_backend() -> SmsBackend:
    backend_class = import_string(settings.PINGYI_SMS_BACKEND)
    backend = backend_class()
    if not isinstance(backend, SmsBackend):
        raise TypeError(f"{settings.PINGYI_SMS_BACKEND} is not an SmsBackend")
    return backend
