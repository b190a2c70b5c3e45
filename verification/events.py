"""What verification tells the apps above it (rewards pays for approved work and takes it back)."""

from core.events import Event

# A completion's final approval was written. Sent inside the decision's transaction.
completion_approved = Event("completion approved", payload=("verification_id",))

# An approval was revoked; `revocation_id` is the revoking Verification. Sent inside its transaction.
completion_revoked = Event("completion revoked", payload=("revocation_id",))

# Whether a report's photos may be on the public page changed (consent given or taken back, staff kept them
# off or let them back). Sent inside the change's transaction.
completion_photos_publicity_changed = Event("completion photos publicity changed", payload=("completion_id",))
