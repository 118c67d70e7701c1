"""SMS sending through a small pluggable backend, chosen by settings.SMS_BACKEND.

- FileSMSBackend (development default): one JSON file per message in settings.SMS_FILE_PATH.
- ConsoleSMSBackend: prints the message.
- MemorySMSBackend: keeps messages in `outbox` (tests).
- HTTPSMSBackend: POSTs JSON to an operator's gateway (settings.SMS_HTTP_URL, bearer SMS_HTTP_TOKEN).

A backend takes a phone number in E.164 form and a text and raises SMSDeliveryError when it fails, so the job
that called it can retry.
"""

from __future__ import annotations

import abc
import json
import sys
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SMSDeliveryError(Exception):
    pass


@dataclass(frozen=True)
class SMSMessage:
    to: str
    body: str
    sender: str = field(default_factory=lambda: settings.SMS_SENDER_ID)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: datetime = field(default_factory=timezone.now)

    def as_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        return data


class BaseSMSBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, message: SMSMessage) -> None:
        """Deliver one message, or raise SMSDeliveryError."""


class FileSMSBackend(BaseSMSBackend):
    def send(self, message: SMSMessage) -> None:
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{message.created_at:%Y%m%d-%H%M%S}-{message.id}.json"
        path.write_text(json.dumps(message.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")


class ConsoleSMSBackend(BaseSMSBackend):
    def send(self, message: SMSMessage) -> None:
        sys.stdout.write(f"SMS to {message.to} from {message.sender}: {message.body}\n")


class MemorySMSBackend(BaseSMSBackend):
    outbox: ClassVar[list[SMSMessage]] = []

    def send(self, message: SMSMessage) -> None:
        self.outbox.append(message)


class HTTPSMSBackend(BaseSMSBackend):
    def send(self, message: SMSMessage) -> None:
        if not settings.SMS_HTTP_URL:
            raise SMSDeliveryError("SMS_HTTP_URL is not set.")
        request = urllib.request.Request(
            settings.SMS_HTTP_URL,
            data=json.dumps({"to": message.to, "from": message.sender, "text": message.body}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - operator's URL
                if response.status >= 300:
                    raise SMSDeliveryError(f"Gateway answered {response.status}.")
        except OSError as exc:
            raise SMSDeliveryError(str(exc)) from exc


def get_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(to: str, body: str) -> SMSMessage:
    message = SMSMessage(to=to, body=body)
    get_backend().send(message)
    return message
