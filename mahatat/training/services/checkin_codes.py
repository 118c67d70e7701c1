"""The rotating codes of the self check-in QR: a new code every 30 seconds, valid for at most 60.

code = the first 10 characters of base32(HMAC-SHA256(key, "<session id>:<time step>")), lower case, where the
time step is floor(unix time / 30) and the key is derived from SECRET_KEY with a purpose string of its own (so a
code is useless anywhere else, and a code of one session is useless for another). The server accepts the code of
the current step and of the previous one (the grace for a scan at the turn of a step), compared in constant time.

50 bits of HMAC: guessing a code within its minute is out of reach, and a code sent to a friend outside the room
stops working within 60 seconds.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare

STEP_SECONDS = 30
# The current step and this many before it are accepted.
GRACE_STEPS = 1
CODE_LENGTH = 10
PURPOSE = b"mahatat.training.checkin-code.v1"


def _key() -> bytes:
    return hmac.new(PURPOSE, settings.SECRET_KEY.encode(), hashlib.sha256).digest()


def step_at(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return int(now.timestamp()) // STEP_SECONDS


def seconds_left(now: dt.datetime | None = None) -> int:
    """Seconds until the next step begins (1..30): when the display should show a new code."""
    now = now or timezone.now()
    return STEP_SECONDS - int(now.timestamp()) % STEP_SECONDS


def code_for(session_id: int, step: int) -> str:
    digest = hmac.new(_key(), f"{session_id}:{step}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH].lower()


def current_code(session_id: int, now: dt.datetime | None = None) -> str:
    return code_for(session_id, step_at(now))


def is_valid(session_id: int, code: str, now: dt.datetime | None = None) -> bool:
    """True when `code` is the session's code of the current step or of the GRACE_STEPS before it."""
    if not isinstance(code, str) or len(code) != CODE_LENGTH:
        return False
    code = code.lower()
    step = step_at(now)
    # Compare with every accepted step (no early exit), each in constant time.
    matches = [
        constant_time_compare(code, code_for(session_id, step - back)) for back in range(GRACE_STEPS + 1)
    ]
    return any(matches)
