"""Check-in at the shift: the site lead's QR screen and roster, the volunteer's scan, and no-shows."""
