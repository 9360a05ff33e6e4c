"""Progress reporting and cancellation shared by long-running services (import, pre-annotation,
export). The CLI shows a text progress bar; the UI forwards to a progress dialog."""

from __future__ import annotations

from typing import Callable, Protocol

ProgressFn = Callable[[int, int, str], None]  # (done, total, message)


class CancelToken(Protocol):
    def is_set(self) -> bool: ...


def no_progress(done: int, total: int, message: str) -> None:
    return None


class NeverCancel:
    def is_set(self) -> bool:
        return False
