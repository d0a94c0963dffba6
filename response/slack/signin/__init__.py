"""Sign in with Slack: the web UI's people sign in with their Slack account (OpenID Connect).

`oidc` is the protocol (pure: URLs and the ID token's checks), `flow` keeps the sign-in's state
in the session and talks to Slack, `accounts` links the person to a web UI user (through their
chat account, `ExternalUser`) with the staff rights the settings give, `views` are the two
pages: the way out to Slack and the way back.
"""
