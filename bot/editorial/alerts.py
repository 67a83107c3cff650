"""`python -m bot alerts send ID|ALL [--dry-run]` and `python -m bot alerts status [ID] [--json]` (docs/alerts.md).

`send` queues one delivery per subscriber in the database and prints one JSON line per alert;
the running bot delivers the queue. Running it twice queues nothing twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING

from bot.content.load import load_content
from bot.content.yamlfile import DataError

if TYPE_CHECKING:  # the storage (SQLAlchemy) is imported only by the commands that use it
    from bot.content.alerts import Alert
    from bot.content.model import Content
    from bot.settings import Settings

ALL = "ALL"


def add_alerts_parser(sub: argparse._SubParsersAction) -> None:
    """Add `alerts send|status` to the main parser's subcommands."""
    alerts = sub.add_parser("alerts", help="queue alerts (content/alerts/) for their subscribers; show delivery")
    asub = alerts.add_subparsers(dest="alerts_command", required=True)
    send = asub.add_parser("send", help="queue an alert (or ALL due alerts) for every subscriber; prints JSON")
    send.add_argument("alert", help="alert id (the file name in content/alerts/ without .yml), or ALL")
    send.add_argument("--dry-run", action="store_true", help="count who would get it; queue nothing")
    status = asub.add_parser("status", help="queued / sent / skipped / blocked per language")
    status.add_argument("alert", nargs="?", help="only this alert id")
    status.add_argument("--json", action="store_true", help="one JSON object per alert")


def _chosen(content: Content, wanted: str, today: dt.date) -> list[Alert] | str:
    """The alerts to queue, or the message saying why not."""
    if wanted == ALL:
        return [a for a in content.alerts.values() if a.due(today) and not a.expired(today)]
    alert = content.alerts.get(wanted)
    if alert is None:
        known = ", ".join(sorted(content.alerts)) or "none (write content/alerts/<id>.yml)"
        return f"No alert {wanted!r}. Alerts: {known}."
    if alert.expired(today):
        return f"Alert {wanted} expired on {alert.valid_until}: not sent. Move valid_until if it is still true."
    return [alert]


def _not_before(alert: Alert) -> dt.datetime | None:
    if alert.send_after is None:
        return None
    return dt.datetime.combine(alert.send_after, dt.time(), dt.timezone.utc)


def send_main(settings: Settings, wanted: str, dry_run: bool, today: dt.date | None = None) -> int:
    """Queue the alert(s) and print one JSON line each; return the exit code."""
    today = today or dt.date.today()
    try:
        content = load_content(settings.content.dir, today)
    except DataError as exc:
        print(f"alerts: the content has errors; fix them first (python -m bot content check).\n{exc}", file=sys.stderr)
        return 2
    chosen = _chosen(content, wanted, today)
    if isinstance(chosen, str):
        print(f"alerts: {chosen}", file=sys.stderr)
        return 2
    from bot.storage.alerts import queue_alert
    from bot.storage.db import OUTAGES, Database, outage_reason

    db = Database(settings.storage.database_url, settings.storage.retention_days)
    try:
        db.migrate()
        for alert in chosen:
            result = queue_alert(
                db,
                alert.id,
                alert.topic,
                alert.regions,
                lambda lang, a=alert: a.sendable(lang) is not None,  # type: ignore[misc]
                _not_before(alert),
                dry_run,
            )
            line = result.as_json() | ({"dry_run": True} if dry_run else {})
            print(json.dumps(line, ensure_ascii=False), flush=True)
    except OUTAGES as error:
        print(f"alerts: the database is unavailable: {outage_reason(error)}", file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0


def _table(alert: str, by_language: dict[str, dict[str, int]]) -> str:
    from bot.storage.alerts import STATES

    head = f"{alert}\n  {'language':<8}" + "".join(f"{s:>9}" for s in STATES)
    rows = [f"  {lang:<8}" + "".join(f"{n.get(s, 0):>9}" for s in STATES) for lang, n in sorted(by_language.items())]
    total = {s: sum(n.get(s, 0) for n in by_language.values()) for s in STATES}
    return "\n".join([head, *rows, f"  {'all':<8}" + "".join(f"{total[s]:>9}" for s in STATES)])


def status_main(settings: Settings, alert: str | None, as_json: bool) -> int:
    """Print the deliveries per alert, language and state; return the exit code."""
    from bot.storage.alerts import delivery_status
    from bot.storage.db import OUTAGES, Database, outage_reason

    db = Database(settings.storage.database_url, settings.storage.retention_days)
    try:
        db.migrate()
        found = delivery_status(db, alert)
    except OUTAGES as error:
        print(f"alerts: the database is unavailable: {outage_reason(error)}", file=sys.stderr)
        return 1
    finally:
        db.close()
    if not found:
        print(f"Nothing queued yet{f' for {alert}' if alert else ''}.", file=sys.stderr)
    for alert_id, by_language in sorted(found.items()):
        if as_json:
            print(json.dumps({"alert": alert_id, "by_language": by_language}, ensure_ascii=False, sort_keys=True))
        else:
            print(_table(alert_id, by_language))
    return 0


def alerts_main(settings: Settings, args: argparse.Namespace) -> int:
    """Run an `alerts` subcommand; return the exit code."""
    if args.alerts_command == "send":
        return send_main(settings, args.alert, args.dry_run)
    return status_main(settings, args.alert, args.json)
