"""The alerts section of `python -m bot content report`: each alert, its regions, dates and translation status."""

from __future__ import annotations

import datetime as dt
from html import escape

from bot.content.alerts import Alert
from bot.content.model import Content
from bot.editorial.status import STATUS_LABELS


def alert_state(alert: Alert, today: dt.date) -> str:
    """expired, waiting (before send_after) or sendable."""
    if alert.expired(today):
        return "expired"
    return "sendable" if alert.due(today) else f"waiting until {alert.send_after}"


def alert_cells(content: Content, alert: Alert) -> dict[str, str]:
    """Each language's status: reviewed, machine_translation, draft or missing."""
    return {
        lang: alert.translations[lang].status if lang in alert.translations else "missing"
        for lang in content.language_codes
    }


def _dates(alert: Alert) -> str:
    parts = [f"send after {alert.send_after}"] if alert.send_after else []
    if alert.valid_until:
        parts.append(f"valid until {alert.valid_until}")
    return " · ".join(parts)


def alerts_html(content: Content, today: dt.date) -> str:
    """The alerts table of the HTML report ('' when there are no alerts)."""
    if not content.alerts:
        return ""
    head = "".join(f"<th>{escape(lang)}</th>" for lang in content.language_codes)
    rows = []
    for alert in sorted(content.alerts.values(), key=lambda a: a.id):
        meta = " · ".join(
            x for x in (", ".join(alert.regions), alert.topic, _dates(alert), alert_state(alert, today)) if x
        )
        cells = "".join(
            f'<td class="status-{s}" data-alert="{escape(alert.id)}" data-lang="{escape(lang)}" data-status="{s}">'
            f"{STATUS_LABELS.get(s, s)}</td>"
            for lang, s in alert_cells(content, alert).items()
        )
        header = f'<th scope="row"><code>{escape(alert.id)}</code><div class="meta">{escape(meta)}</div></th>'
        rows.append(f"<tr>{header}{cells}</tr>")
    return (
        '<section id="alerts"><h2>Alerts <code>content/alerts/</code></h2>'
        "<p>Only reviewed and machine-translated texts are sent; subscribers in other languages are skipped.</p>"
        f'<table class="matrix"><thead><tr><th>alert</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        "</section>"
    )


def alerts_markdown(content: Content | None, today: dt.date) -> list[str]:
    """The alerts part of the Markdown summary (nothing when there are no alerts)."""
    if content is None or not content.alerts:
        return []
    out = [
        "### Alerts (`content/alerts/`)",
        "",
        "| alert | regions | topic | state | " + " | ".join(content.language_codes) + " |",
    ]
    out.append("|---|---|---|---|" + "---|" * len(content.language_codes))
    for alert in sorted(content.alerts.values(), key=lambda a: a.id):
        cells = " | ".join(alert_cells(content, alert).values())
        out.append(
            f"| `{alert.id}` | {', '.join(alert.regions)} | {alert.topic} | {alert_state(alert, today)} | {cells} |"
        )
    return [*out, ""]
