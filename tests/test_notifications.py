"""Notifications go out as background jobs after the transaction commits, through the configured backends."""

import json

import pytest
from django.core import mail
from django.db import transaction

from mahatat.core import sms
from mahatat.core.notifications import notify
from mahatat.core.sms import MemorySMSBackend


@pytest.mark.django_db
def test_notifications_are_sent_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(
            email="sara@example.jo", phone="+962791234567", subject="Seat offered", body="A seat is yours."
        )
        assert mail.outbox == []
        assert MemorySMSBackend.outbox == []
    assert [m.to for m in mail.outbox] == [["sara@example.jo"]]
    assert mail.outbox[0].subject == "Seat offered"
    assert [(m.to, m.body) for m in MemorySMSBackend.outbox] == [("+962791234567", "A seat is yours.")]


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(email="sara@example.jo", phone="+962791234567", subject="x", body="y")
        raise RuntimeError("the write failed")
    assert callbacks == []
    assert mail.outbox == []
    assert MemorySMSBackend.outbox == []


def test_file_sms_backend_writes_one_json_file_per_message(settings, tmp_path):
    settings.SMS_BACKEND = "mahatat.core.sms.FileSMSBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    message = sms.send_sms("+962781234567", "رمز التحقق 123456")
    files = list((tmp_path / "sms").glob("*.json"))
    assert len(files) == 1
    stored = json.loads(files[0].read_text(encoding="utf-8"))
    assert stored["to"] == "+962781234567"
    assert stored["body"] == "رمز التحقق 123456"
    assert stored["id"] == message.id


def test_http_sms_backend_without_a_url_raises_a_delivery_error(settings):
    settings.SMS_BACKEND = "mahatat.core.sms.HTTPSMSBackend"
    settings.SMS_HTTP_URL = ""
    with pytest.raises(sms.SMSDeliveryError):
        sms.send_sms("+962781234567", "hello")


def test_http_sms_backend_posts_json_to_the_gateway(settings):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            length = int(self.headers["Content-Length"])
            received.append({"auth": self.headers["Authorization"], **json.loads(self.rfile.read(length))})
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "mahatat.core.sms.HTTPSMSBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_HTTP_TOKEN = "gateway-token"
    sms.send_sms("+962771234567", "مرحبا")
    thread.join(timeout=5)
    server.server_close()
    assert received == [
        {"auth": "Bearer gateway-token", "to": "+962771234567", "from": "Mahatat", "text": "مرحبا"}
    ]


def test_periodic_jobs_are_declared_for_beat(settings):
    from mahatat.celery import app

    assert settings.CELERY_BEAT_SCHEDULER.endswith("DatabaseScheduler")
    task = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]["task"]
    assert task in app.tasks
