"""Referrals: a member's link, the friends who signed up through it, and their state."""
