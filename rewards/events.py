"""What rewards tells the apps above it (achievements keeps levels, badges and leaderboards)."""

from core.events import Event

# A ledger entry changed a person's lifetime points (`amount` is negative for a reversal). Sent inside the
# transaction that writes the entry, so what subscribers count commits or rolls back with it.
points_recorded = Event(
    "points recorded", payload=("user_id", "amount", "occurred_at", "verification_id")
)

# A person asks for a reward. Subscribers may refuse by raising `rewards.errors.RedemptionRefused`
# (achievements does, for a reward above the person's level). Sent before anything is written.
redemption_requested = Event("redemption requested", payload=("reward", "user"))
