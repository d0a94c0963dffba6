"""Sign-in throttling (wrong passwords slow, then lock, a username and an address) and the
production security headers (response/settings.py)."""
