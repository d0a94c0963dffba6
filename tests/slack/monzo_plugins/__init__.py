"""Plugins written the way users of Monzo's original Response wrote them, unchanged, for
tests/slack/test_monzo_plugins.py: each module is one shape the original's code accepted."""
