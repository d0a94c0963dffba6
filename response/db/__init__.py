"""Database backends tuned for Response (see each one's docstring)."""
