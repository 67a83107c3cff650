"""Compose replies from content: the same composition for the chat, Telegram and editors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.content.model import SOURCE_LANGUAGE, Content
from bot.content.sources import source_line

FALLBACK = "nlu_fallback"  # the intent Rasa's FallbackClassifier gives when no topic is likely enough

HUMAN_PAYLOAD = "/human_handoff"
MENU_PAYLOAD = "/menu"
PRIVACY_PAYLOAD = "/privacy"
LANGUAGE_MENU_PAYLOAD = "/change_language"
FORGET_ME_PAYLOAD = "/forget_me"  # deletes the conversation: sent only after the person confirmed
MENU_PAGE = 6  # buttons on one page of the menu (small screens)
PAGE_MARK = "/"  # in a menu category payload: "papers/2" is page 2 of papers


@dataclass(frozen=True)
class Button:
    """A choice under a message: what it says and what it sends back."""

    title: str
    payload: str


@dataclass
class Reply:
    """Messages in order; buttons belong under the last message."""

    messages: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)


def topic_payload(topic_id: str) -> str:
    """What a button for a topic sends: the intent itself."""
    return f"/{topic_id}"


def language_payload(code: str) -> str:
    """What a button choosing a language sends."""
    return f'/change_language{{"language": "{code}"}}'


def category_payload(category: str) -> str:
    """What a menu category button sends."""
    return f'/menu{{"category": "{category}"}}'


def content_payloads(content: Content) -> list[str]:
    """Every payload a button made from this content can send (so any replica can decode a long one)."""
    return [
        HUMAN_PAYLOAD,
        MENU_PAYLOAD,
        PRIVACY_PAYLOAD,
        LANGUAGE_MENU_PAYLOAD,
        *(topic_payload(t) for t in content.topic_ids),
        *(category_payload(c.id) for c in content.menu),
        *(language_payload(c) for c in content.language_codes),
        *(
            category_payload(f"{c.id}{PAGE_MARK}{n}")
            for c in content.menu
            for n in range(1, -(-len(c.topics) // MENU_PAGE) + 1)
        ),
        *(category_payload(f"{PAGE_MARK}{n}") for n in range(1, -(-len(content.menu) // MENU_PAGE) + 1)),
    ]


def forget_question(content: Content, lang: str, yes: str = FORGET_ME_PAYLOAD, no: str = MENU_PAYLOAD) -> Reply:
    """Ask before deleting everything stored about the person (yes and no: the buttons' payloads)."""
    return Reply(
        [content.text(lang, "telegram.forget_confirm")],
        [Button(content.text(lang, "telegram.button.yes"), yes), Button(content.text(lang, "telegram.button.no"), no)],
    )


def topic_title(content: Content, region: str, lang: str, topic_id: str) -> str:
    """A topic's title in lang (English if that translation is missing)."""
    topic = content.topic(region, topic_id)
    if topic is None:
        return topic_id
    tr = topic.translations.get(lang) or topic.translations.get(SOURCE_LANGUAGE)
    return tr.title if tr else topic_id


def topic_buttons(content: Content, region: str, lang: str, topic_ids: Iterable[str]) -> list[Button]:
    """One button per topic: its title in lang, sending the topic's payload."""
    return [Button(topic_title(content, region, lang, t), topic_payload(t)) for t in topic_ids]


def hotline_lines(content: Content, region: str, lang: str, leave_out: str | None = None) -> list[str]:
    """The region's help lines, one line each, in lang (leave_out: a number said already)."""
    return [
        content.text(lang, "hotline.line", number=h.number, label=h.label.get(lang) or h.label.get(SOURCE_LANGUAGE, ""))
        for h in content.region(region).hotlines
        if h.number != leave_out
    ]


def contacts(content: Content, region: str, lang: str, intro_id: str = "handoff.intro") -> str:
    """An intro sentence followed by the region's numbers (or where to ask if none)."""
    lines = hotline_lines(content, region, lang)
    if not lines:
        return content.text(lang, "handoff.no_numbers")
    return "\n".join([content.text(lang, intro_id), *lines])


def person_button(content: Content, lang: str) -> Button:
    """The 'talk to a person' button."""
    return Button(content.text(lang, "button.talk_to_person"), HUMAN_PAYLOAD)


def menu_button(content: Content, lang: str) -> Button:
    """The 'menu' button."""
    return Button(content.text(lang, "button.menu"), MENU_PAYLOAD)


def topic_reply(
    content: Content, region: str, lang: str, topic_id: str, today: dt.date | None = None, also: Sequence[str] = ()
) -> Reply:
    """The curated answer for a topic, with its source, related topics and person offer.

    also: other topics the question may have meant, offered first among the topic buttons.
    """
    topic = content.topic(region, topic_id)
    today = today or dt.date.today()
    if topic is None or topic.expired(today) or lang not in topic.translations:
        return Reply(
            [contacts(content, region, lang, "answer.updating")],
            [menu_button(content, lang), person_button(content, lang)],
        )
    tr = topic.translations[lang]
    messages = list(tr.messages)
    source = source_line(content, topic, lang)
    if source:
        messages[-1] = f"{messages[-1]}\n\n{source}"
    offered = list(dict.fromkeys(t for t in [*also, *topic.related] if t != topic_id))
    buttons = topic_buttons(content, region, lang, offered)
    if topic.sensitivity == "offer_person":
        messages.append(content.text(lang, "answer.offer_person"))
    buttons.append(person_button(content, lang))
    return Reply(messages, buttons)


def menu_reply(content: Content, region: str, lang: str, category: str | None = None) -> Reply:
    """The topic menu: categories, or the topics of one category; MENU_PAGE buttons a page.

    category is a category id, optionally with a page: "papers" or "papers/2" ("/2": the categories' page 2).
    """
    name, _, page_text = (category or "").partition(PAGE_MARK)
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    for cat in content.menu:
        if cat.id == name:
            buttons = topic_buttons(content, region, lang, cat.topics)
            return Reply(
                [content.text(lang, f"menu.category.{cat.id}")],
                [*_page(content, lang, buttons, cat.id, page), Button(content.text(lang, "button.back"), MENU_PAYLOAD)],
            )
    buttons = [Button(content.text(lang, f"menu.category.{c.id}"), category_payload(c.id)) for c in content.menu]
    return Reply(
        [content.text(lang, "menu.title")], [*_page(content, lang, buttons, "", page), person_button(content, lang)]
    )


def _page(content: Content, lang: str, buttons: list[Button], category: str, page: int) -> list[Button]:
    """One page of buttons, with "More ›" to the next page when there is one (after the last: the first)."""
    pages = max(1, -(-len(buttons) // MENU_PAGE))
    page = page if page <= pages else 1
    shown = buttons[(page - 1) * MENU_PAGE : page * MENU_PAGE]
    if page < pages:
        shown.append(Button(content.text(lang, "button.more"), category_payload(f"{category}{PAGE_MARK}{page + 1}")))
    elif pages > 1:
        shown.append(Button(content.text(lang, "button.more"), category_payload(category or f"{PAGE_MARK}1")))
    return shown


def language_menu(content: Content, lang: str, string_id: str = "language.menu", **values: object) -> Reply:
    """A message with one button per supported language, each named in its own script."""
    return Reply(
        [content.text(lang, string_id, **values)], [Button(x.name, language_payload(x.code)) for x in content.languages]
    )


def suggestions_reply(content: Content, region: str, lang: str, topic_ids: list[str]) -> Reply:
    """'Did you mean...?' with the best topics as buttons, or the menu if there are none."""
    if not topic_ids:
        return Reply(
            [content.text(lang, "fallback.not_understood")], [menu_button(content, lang), person_button(content, lang)]
        )
    buttons = topic_buttons(content, region, lang, topic_ids)
    buttons.append(person_button(content, lang))
    return Reply([content.text(lang, "fallback.did_you_mean")], buttons)


def emergency_text(content: Content, region: str, lang: str) -> str:
    """Call the emergency number now, then the region's other help lines (or where to ask if none)."""
    reg = content.region(region)
    lines = hotline_lines(content, region, lang, leave_out=reg.emergency)
    if reg.emergency:
        return "\n".join([content.text(lang, "handoff.urgent.call_now", number=reg.emergency), *lines])
    if lines:
        return "\n".join([content.text(lang, "handoff.urgent.call_hotlines"), *lines])
    return content.text(lang, "handoff.no_numbers")
