"""News that a lower app gives the apps above it, which it may not import.

Apps import only downward (docs/architecture.md). When something happens in a lower app that a higher
one must act on (a completion approved, points recorded), the lower app declares an `Event` in its own
`events.py` and sends it; the higher app subscribes in its `AppConfig.ready()` with a receiver that makes
one call into its own services, so the rule stays in a service and the receiver stays a line.

Receivers run at once, in the sender's transaction: what they write commits or rolls back with the news,
and an exception in a receiver reaches the sender as a call's would (which is how a higher app can refuse,
e.g. a reward above the person's level). Work that must happen after the commit is written by the
receiver in that transaction and delivered from there, never sent from memory after it.

Built on Django's signal dispatcher, which every Django developer knows; an Event adds a declared payload
(a misspelt keyword fails loudly rather than reaching no one) and receivers that get only that payload.
"""

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal


class Event(Signal):
    """One kind of news, with the names of what it carries."""

    def __init__(self, name: str, *, payload: tuple[str, ...]):
        super().__init__()
        self.name = name
        self.payload = frozenset(payload)

    def __repr__(self) -> str:
        return f"<Event {self.name}>"

    def subscribe(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        """Calls `receiver(**payload)` on every `send`, in the order of subscription. Subscribing the same
        function twice (a second `ready()`, a test) keeps one subscription."""

        def deliver(sender, signal, **payload):
            return receiver(**payload)

        self.connect(deliver, weak=False, dispatch_uid=f"{receiver.__module__}.{receiver.__qualname__}")
        return receiver

    def unsubscribe(self, receiver: Callable[..., Any]) -> None:
        self.disconnect(dispatch_uid=f"{receiver.__module__}.{receiver.__qualname__}")

    def send(self, **payload: Any) -> None:  # type: ignore[override]
        """Tells every subscriber, now, in the caller's transaction."""
        if set(payload) != self.payload:
            raise TypeError(f"{self!r} carries {sorted(self.payload)}, was sent {sorted(payload)}")
        super().send(sender=self.name, **payload)

    def send_robust(self, **payload: Any):  # type: ignore[override]
        raise TypeError("Events reach their subscribers or fail the sender; there is no robust send.")
