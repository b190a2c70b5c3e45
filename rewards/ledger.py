"""Pure arithmetic over a person's ledger: which lots (earned, bonus and refunded points) still hold how
many points, and the totals an account must show. No database writes here; services call it under the
account's row lock and write what it finds.

Spending takes the oldest points first (the lot that expires soonest); a reversal takes back the points
of the approval it revokes first, then the oldest; an expiry takes what is left of its own lot. With a
balance that never goes below zero, what is left of all lots always adds up to the balance.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .models import LedgerEntry

Kind = LedgerEntry.Kind


@dataclass
class Lot:
    entry_id: int
    amount: int
    expires_at: datetime | None
    verification_id: int | None
    remaining: int


@dataclass(frozen=True)
class EntryFacts:
    """The fields of an entry that the arithmetic needs, so that it runs on rows or on plain values."""

    id: int
    kind: str
    amount: int
    expires_at: datetime | None = None
    verification_id: int | None = None
    lot_id: int | None = None
    # For a reversal: the approval that the revocation takes back.
    revoked_approval_id: int | None = None


def _fifo_key(lot: Lot):
    return (lot.expires_at is None, lot.expires_at or datetime.max, lot.entry_id)


def lots_remaining(entries: Iterable[EntryFacts]) -> dict[int, Lot]:
    """Every lot of the entries (in the order they were written), with what is left of it."""
    lots: dict[int, Lot] = {}

    def take(amount: int, candidates: Iterable[Lot]) -> int:
        for lot in sorted(candidates, key=_fifo_key):
            if amount <= 0:
                break
            taken = min(lot.remaining, amount)
            lot.remaining -= taken
            amount -= taken
        return amount

    for entry in sorted(entries, key=lambda e: e.id):
        if entry.kind in LedgerEntry.LOT_KINDS:
            lots[entry.id] = Lot(
                entry.id, entry.amount, entry.expires_at, entry.verification_id, entry.amount
            )
        elif entry.kind == Kind.EXPIRY:
            if entry.lot_id in lots:
                lots[entry.lot_id].remaining += entry.amount
        elif entry.kind == Kind.REVERSAL:
            left = take(
                -entry.amount,
                [lot for lot in lots.values() if lot.verification_id == entry.revoked_approval_id],
            )
            take(left, lots.values())
        elif entry.kind == Kind.REDEEM:
            take(-entry.amount, lots.values())
    return lots


def totals(entries: Iterable[EntryFacts | LedgerEntry]) -> tuple[int, int]:
    """(balance, lifetime) that the entries add up to."""
    balance = lifetime = 0
    for entry in entries:
        balance += entry.amount
        if entry.kind in (Kind.EARN, Kind.BONUS):
            lifetime += entry.amount
        elif entry.kind == Kind.REVERSAL:
            lifetime += entry.amount - getattr(entry, "unrecovered", 0)
    return balance, lifetime
