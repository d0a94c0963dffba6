"""Slack messages as timeline entries (pins, the 📌 reaction, the "Add to timeline" shortcut)."""

from __future__ import annotations

from datetime import UTC, datetime

from response.slack.directory import message_url
from response.slack.inbound.context import from_slack
from response.slack.outbound.client import is_slack_file_url
from response.slack.people import slack_user_or_none


def source_of(channel_id: str, ts: str) -> str:
    return f"slack:{channel_id}:{ts}"


def ts_to_datetime(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), tz=UTC)


def permalink(channel_id: str, ts: str, message: dict) -> str:
    return message.get("permalink") or message_url(channel_id, ts)


def message_text(message: dict) -> str:
    """The message as people read it (Slack's `&amp;`, `<@U…>` and `<url|label>` made plain)."""
    text = from_slack((message.get("text") or "").strip())
    files = [f.get("name") or f.get("title") or "file" for f in message.get("files") or []]
    if files:
        text = (text + "\n" if text else "") + "📎 " + ", ".join(files)
    return text or "(no text)"


def message_entry(channel_id: str, message: dict) -> dict:
    """Keyword arguments for add_timeline_event from a Slack message."""
    ts = message["ts"]
    return {
        "text": message_text(message),
        "timestamp": ts_to_datetime(ts),
        "author": slack_user_or_none(message.get("user")),
        "source": source_of(channel_id, ts),
        "url": permalink(channel_id, ts, message),
        "metadata": {
            "files": [f.get("name") for f in message.get("files") or []],
            "images": images_of(message),
        },
    }


def images_of(message: dict) -> list[dict]:
    """The images of a message for its timeline entry: its name, its page in Slack (`link`), and
    its thumbnail's address (`thumb`, thumb_360 or the nearest) with whether a browser may load it
    without signing in to Slack (`public`): Slack's own file URLs are private."""
    images = []
    for file in message.get("files") or []:
        if not str(file.get("mimetype") or "").startswith("image/"):
            continue
        thumb = next(
            (file[k] for k in ("thumb_360", "thumb_480", "thumb_160", "thumb_80") if file.get(k)),
            "",
        )
        images.append(
            {
                "name": file.get("title") or file.get("name") or "image",
                "link": file.get("permalink") or file.get("url_private") or "",
                "thumb": thumb,
                # Slack's files take the bot's token to read (a browser has none): a copy is
                # kept for the incident page (response.slack.outbound.informing).
                "public": bool(thumb) and not is_slack_file_url(thumb),
            }
        )
    for attachment in message.get("attachments") or []:  # an alert's graph, say
        url = attachment.get("image_url") or attachment.get("thumb_url")
        if url:
            images.append(
                {
                    "name": attachment.get("title") or attachment.get("fallback") or "image",
                    "link": attachment.get("title_link") or url,
                    "thumb": url,
                    "public": not is_slack_file_url(url),
                }
            )
    return images
