"""What staff see of a case: the forum topic's name, the summary card, mentions of the staff on duty.

And what the person is told while their case waits: someone will answer or when, and their
place in the queue. Every sentence is a UI string (`handoff.staff.*` in STAFF_LANGUAGE,
`handoff.case.*` in the person's language).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.handoff.access import may_act
from bot.handoff.lifecycle import SUPERVISOR, Case, Kind
from bot.handoff.roster import StaffMember
from bot.replies import hotline_lines
from bot.telegram.core.render import escape

if TYPE_CHECKING:
    from bot.telegram.handoff.service import Handoff

log = logging.getLogger(__name__)

KIND_LABELS = {
    Kind.REQUEST: "handoff.staff.kind_request",
    Kind.URGENT: "handoff.staff.kind_urgent",
    Kind.COMPLAINT: "handoff.staff.kind_complaint",
}
RECENT_MESSAGES = 10  # on the summary card
RECENT_CHARS = 200  # each, at most
PERSON_ID_CHARS = 10  # of the pseudonym, shown to staff
WHEN_FORMAT = "%Y-%m-%d %H:%M"
_HOLE = "\x00"  # where HTML goes into an escaped UI string


def kind_label(handoff: Handoff, kind: Kind) -> str:
    """The case type as staff read it (request, URGENT, COMPLAINT)."""
    return handoff.staff_text(KIND_LABELS[kind])


def route_label(handoff: Handoff, route: str) -> str:
    """Where a case is routed, for staff: a language code, or the word for supervisors."""
    return handoff.staff_text("handoff.staff.supervisor") if route == SUPERVISOR else route


def topic_name(handoff: Handoff, case: Case) -> str:
    """The forum topic's name: `#42 · ar · health.access · URGENT`; a transferred case shows `ar → th`."""
    language = case.language if case.route == case.language else f"{case.language} → {route_label(handoff, case.route)}"
    return " · ".join([f"#{case.id}", language, *([case.topic] if case.topic else []), kind_label(handoff, case.kind)])


def on_duty_for(handoff: Handoff, route: str) -> list[StaffMember]:
    """Who should hear of a case: staff on duty for its language; for SUPERVISOR, supervisors (on duty if any)."""
    now = handoff.clock()
    if route != SUPERVISOR:
        return handoff.roster.on_duty(route, now)
    supervisors = [m for m in handoff.roster.members.values() if m.supervisor]
    return [m for m in supervisors if any(m.on_duty(lang, now) for lang in m.languages)] or supervisors


def fill_html(text: str, html: str) -> str:
    """Escape a UI string filled with _HOLE, then put HTML (a mention) in the hole."""
    return escape(text).replace(_HOLE, html)


def mentions(handoff: Handoff, route: str) -> str:
    """HTML: the staff on duty for the route, mentioned (`<a href="tg://user?id=…">name</a>`), or that nobody is."""
    members = on_duty_for(handoff, route)
    if not members:
        return escape(handoff.staff_text("handoff.staff.nobody"))
    unnamed = handoff.staff_text("handoff.staff.unnamed")
    names = ", ".join(f'<a href="tg://user?id={m.id}">{escape(m.name or unnamed)}</a>' for m in members)
    return fill_html(handoff.staff_text("handoff.staff.mention", staff=_HOLE), names)


async def card_text(handoff: Handoff, case: Case) -> str:
    """The summary for staff: pseudonymous id (never a Telegram id or name), type, topic, language, last messages."""
    lines = [
        handoff.staff_text(
            "handoff.staff.card",
            case=case.id,
            kind=kind_label(handoff, case.kind),
            person=case.pseudonym[:PERSON_ID_CHARS],
            language=case.language,
            region=case.region,
            on_duty=len(on_duty_for(handoff, case.route)),
        )
    ]
    if case.topic:
        lines.append(handoff.staff_text("handoff.staff.topic", topic=case.topic))
    recent = await _recent_messages(handoff, case.pseudonym)
    if recent:
        lines += ["", handoff.staff_text("handoff.staff.recent"), *(f"› {t}" for t in recent)]
    return "\n".join(lines)


async def _recent_messages(handoff: Handoff, person: str) -> list[str]:
    """The person's last typed messages to the assistant (button payloads left out); [] if unavailable."""
    try:
        events: list[dict[str, Any]] = await handoff.services.assistant.client.events(person)
    except Exception:  # noqa: BLE001 - the card goes out without them
        log.warning("Could not read the conversation for a case summary", exc_info=True)
        return []
    texts = [str(e.get("text") or "") for e in events if e.get("event") == "user"]
    texts = [t[:RECENT_CHARS] for t in texts if t and not t.startswith("/")]
    return texts[-RECENT_MESSAGES:]


def waiting_text(handoff: Handoff, lang: str) -> str:
    """What the person is told: someone will answer, or when staff are available and the help lines."""
    now = handoff.clock()
    if handoff.roster.on_duty(lang, now):
        return handoff.services.assistant.store.current().text(lang, "handoff.case.opened")
    later = handoff.roster.next_on_duty(lang, now)
    if later is None:
        return hotlines(handoff, lang, "handoff.case.queued_unknown")
    zone = handoff.roster.time_zone
    return hotlines(
        handoff, lang, "handoff.case.queued", when=later.astimezone(zone).strftime(WHEN_FORMAT), zone=str(zone)
    )


def position_text(handoff: Handoff, lang: str, position: int) -> str:
    """The person's place in the queue."""
    return handoff.services.assistant.store.current().text(lang, "handoff.case.position", position=position)


def hotlines(handoff: Handoff, lang: str, string_id: str, **values: object) -> str:
    """A UI string followed by the region's help lines."""
    content = handoff.services.assistant.store.current()
    return "\n".join([content.text(lang, string_id, **values), *hotline_lines(content, handoff.services.region, lang)])


def refusal(handoff: Handoff, member: StaffMember | None, case: Case) -> str | None:
    """Why member may not act on case (in the staff chat's language), or None when they may."""
    if member is None:
        return handoff.staff_text("handoff.staff.refused")
    if may_act(handoff.roster, member, case):
        return None
    if case.claimed_by is not None:
        claimant = handoff.roster.member(case.claimed_by)
        name = (claimant.name if claimant else "") or handoff.staff_text("handoff.staff.unnamed")
        return handoff.staff_text("handoff.staff.handled_by", case=case.id, staff=name)
    return handoff.staff_text("handoff.staff.not_yours", target=route_label(handoff, case.route))
