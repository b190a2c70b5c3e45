"""NGOs: registration and verification, members and roles, invitations by link or code, and teams."""
