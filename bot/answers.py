"""Compose replies from content: the same composition for the chat, Telegram and editors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.content_model import Content

HUMAN_PAYLOAD = "/human_handoff"
MENU_PAYLOAD = "/menu"


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


def topic_title(content: Content, region: str, lang: str, topic_id: str) -> str:
    """A topic's title in lang (English if that translation is missing)."""
    topic = content.topic(region, topic_id)
    if topic is None:
        return topic_id
    tr = topic.translations.get(lang) or topic.translations.get("en")
    return tr.title if tr else topic_id


def hotline_lines(content: Content, region: str, lang: str) -> list[str]:
    """The region's help lines, one line each, in lang."""
    reg = content.region(region)
    return [
        content.text(lang, "hotline.line", number=h.number, label=h.label.get(lang) or h.label.get("en", ""))
        for h in reg.hotlines
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


def topic_reply(content: Content, region: str, lang: str, topic_id: str,
                today: dt.date | None = None) -> Reply:
    """The curated answer for a topic, with its source, related topics and person offer."""
    topic = content.topic(region, topic_id)
    today = today or dt.date.today()
    if topic is None or topic.expired(today) or lang not in topic.translations:
        return Reply([contacts(content, region, lang, "answer.updating")],
                     [menu_button(content, lang), person_button(content, lang)])
    tr = topic.translations[lang]
    messages = list(tr.messages)
    if topic.sources:
        src = topic.sources[0]
        source = content.text(lang, "answer.source", url=src.url, checked=src.checked)
        messages[-1] = f"{messages[-1]}\n\n{source}"
    buttons = [Button(topic_title(content, region, lang, r), topic_payload(r)) for r in topic.related]
    if topic.sensitivity == "offer_person":
        messages.append(content.text(lang, "answer.offer_person"))
    buttons.append(person_button(content, lang))
    return Reply(messages, buttons)


def menu_reply(content: Content, region: str, lang: str, category: str | None = None) -> Reply:
    """The topic menu: categories, or the topics of one category."""
    for cat in content.menu:
        if cat.id == category:
            buttons = [Button(topic_title(content, region, lang, t), topic_payload(t)) for t in cat.topics]
            buttons.append(Button(content.text(lang, "button.back"), MENU_PAYLOAD))
            return Reply([content.text(lang, f"menu.category.{cat.id}")], buttons)
    buttons = [Button(content.text(lang, f"menu.category.{c.id}"), category_payload(c.id)) for c in content.menu]
    buttons.append(person_button(content, lang))
    return Reply([content.text(lang, "menu.title")], buttons)


def language_menu(content: Content, lang: str, string_id: str = "language.menu", **values: object) -> Reply:
    """A message with one button per supported language, each named in its own script."""
    return Reply([content.text(lang, string_id, **values)],
                 [Button(x.name, language_payload(x.code)) for x in content.languages])


def suggestions_reply(content: Content, region: str, lang: str, topic_ids: list[str]) -> Reply:
    """'Did you mean...?' with the best topics as buttons, or the menu if there are none."""
    if not topic_ids:
        return Reply([content.text(lang, "fallback.not_understood")],
                     [menu_button(content, lang), person_button(content, lang)])
    buttons = [Button(topic_title(content, region, lang, t), topic_payload(t)) for t in topic_ids]
    buttons.append(person_button(content, lang))
    return Reply([content.text(lang, "fallback.did_you_mean")], buttons)
