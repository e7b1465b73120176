"""Keeping an uploaded file between an import's preview and its confirmation."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings

_SESSION_KEY = "pending_imports"


def _dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash_upload(request, uploaded, kind: str) -> str:
    """Save the upload under a random name; remember it in the session; return its token."""
    suffix = Path(uploaded.name).suffix.lower()[:8]
    token = uuid.uuid4().hex
    target = _dir() / f"{token}{suffix}"
    with open(target, "wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    pending = request.session.get(_SESSION_KEY, {})
    pending[token] = {"kind": kind, "path": str(target), "name": uploaded.name[:200]}
    request.session[_SESSION_KEY] = pending
    return token


def stashed_upload(request, token: str, kind: str) -> dict | None:
    entry = request.session.get(_SESSION_KEY, {}).get(token)
    if not entry or entry.get("kind") != kind or not os.path.exists(entry["path"]):
        return None
    return entry


def drop_upload(request, token: str) -> None:
    pending = request.session.get(_SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[_SESSION_KEY] = pending
    if entry:
        try:
            os.remove(entry["path"])
        except OSError:
            pass
