"""``python -m fakeslack --port 8001 [--workspace FILE]``: serve a workspace until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys

from .fake import FakeSlack
from .workspace import Workspace


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fakeslack", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workspace", help="a JSON or YAML workspace file")
    parser.add_argument(
        "--request-url",
        help="where to deliver events, commands, interactions (several URLs: in turn)",
    )
    parser.add_argument("--socket-mode", action="store_true", help="deliver over Socket Mode")
    parser.add_argument("--trigger-ttl", type=float, default=3.0)
    parser.add_argument(
        "--keep-calls",
        type=int,
        metavar="N",
        help="keep only the latest N Web API calls for /_fakeslack/calls (0: none; default all)",
    )
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    workspace = Workspace.load(options.workspace) if options.workspace else Workspace.default()
    slack = FakeSlack(
        workspace,
        host=options.host,
        port=options.port,
        trigger_ttl=options.trigger_ttl,
        record_calls=True if options.keep_calls is None else options.keep_calls,
    )
    if options.request_url or options.socket_mode:
        slack.configure_app(request_url=options.request_url, socket_mode=options.socket_mode)
    slack.start()
    settings = [
        f"fakeslack serving {workspace.team_name} at {slack.url}",
        f"  SLACK_API_URL={slack.api_url}",
        f"  SLACK_BOT_TOKEN={slack.bot_token}",
        f"  SLACK_SIGNING_SECRET={slack.signing_secret}",
        f"  SLACK_APP_TOKEN={slack.app_token}",
        f"  SLACK_CLIENT_ID={slack.client_id}",
        f"  SLACK_CLIENT_SECRET={slack.client_secret}",
        f"  Sign in with Slack: {slack.authorize_url}",
        f"  control: {slack.url}/_fakeslack/state",
        f"  Slack sandbox (in a browser): {slack.url}/",
    ]
    # One write: print() writes a line and its end separately, and a log line on stderr sharing
    # the file could land between them (a reader then took "…:43005" and a date as one URL).
    sys.stdout.write("".join(f"{line}\n" for line in settings))
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        slack.serve_forever()


if __name__ == "__main__":
    main()
