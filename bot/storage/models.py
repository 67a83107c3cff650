"""The stored tables: user preferences and the one pseudonym → Telegram chat mapping.

Privacy rules for every table here (checked by tests/storage/test_models.py):
users are keyed by a pseudonym, never by their Telegram id (only
`telegram_chats` maps back, for sending); nothing about immigration status,
names, usernames or phone numbers; every table has a `last_seen` column that
retention (`Database.purge`) is keyed on.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

Base: Any = declarative_base()

RETENTION_COLUMN = "last_seen"
"""Every table has this column; rows whose value is older than the retention period are purged."""


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and read back timezone-aware (same on SQLite and PostgreSQL)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class User(Base):
    """A person's preferences, under their pseudonym."""

    __tablename__ = "users"

    pseudonym = sa.Column(sa.String(64), primary_key=True)
    language = sa.Column(sa.String(8), nullable=True)
    region = sa.Column(sa.String(32), nullable=True)
    first_contact = sa.Column(sa.Date, nullable=False)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)


class TelegramChat(Base):
    """The one place that maps a pseudonym back to a Telegram chat, to send replies."""

    __tablename__ = "telegram_chats"

    pseudonym = sa.Column(sa.String(64), sa.ForeignKey("users.pseudonym", ondelete="CASCADE"), primary_key=True)
    chat_id = sa.Column(sa.String(255), nullable=False)  # sealed (bot/privacy/chat_seal.py), never the plain id
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)


class Case(Base):
    """A conversation handed over to staff (issue 4); its lifecycle is in bot/handoff/lifecycle.mmd.

    `claimed_by` is a staff member's Telegram id (staff are not the people we serve);
    the person is known only by their pseudonym. Deleting the user deletes their cases.
    """

    __tablename__ = "cases"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    pseudonym = sa.Column(
        sa.String(64), sa.ForeignKey("users.pseudonym", ondelete="CASCADE"), nullable=False, index=True
    )
    language = sa.Column(sa.String(8), nullable=False)
    region = sa.Column(sa.String(32), nullable=False)
    kind = sa.Column(sa.String(16), nullable=False)  # request / urgent / complaint
    topic = sa.Column(sa.String(64), nullable=True)
    state = sa.Column(sa.String(16), nullable=False, index=True)  # queued / claimed / closed
    claimed_by = sa.Column(sa.BigInteger, nullable=True)
    forum_topic_id = sa.Column(sa.BigInteger, nullable=True, index=True)
    created_at = sa.Column(UTCDateTime, nullable=False)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)  # the case's last change
    rating = sa.Column(sa.Integer, nullable=True)
    routed_to = sa.Column(sa.String(16), nullable=True)  # after a transfer: a language code or "supervisor"
    told_position = sa.Column(sa.Integer, nullable=True)  # the queue position the person was last told
    # the staff supergroup of its language team (STAFF_CHATS) where its topic is; 0: the default (STAFF_CHAT_ID)
    staff_group = sa.Column(sa.BigInteger, nullable=False, server_default="0")


class CaseMessage(Base):
    """One message of a case, kept until delivered (and until retention deletes it)."""

    __tablename__ = "case_messages"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    case_id = sa.Column(sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    direction = sa.Column(sa.String(8), nullable=False)  # user / staff / note
    text = sa.Column(sa.Text, nullable=False)  # a photo's or document's caption ("" if none)
    delivered = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(UTCDateTime, nullable=False)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)  # written or delivered
    media_kind = sa.Column(sa.String(16), nullable=True)  # photo / document; None for text
    media_file_id = sa.Column(sa.String(255), nullable=True)  # Telegram's file id: never downloaded
    # a person's message for the claimant's private chat too: None no, False still to send, True sent
    copied = sa.Column(sa.Boolean, nullable=True)
    # a staff reply written in a private chat, for the case's topic (the record): None no, False to post, True posted
    recorded = sa.Column(sa.Boolean, nullable=True)


class AnswerFeedback(Base):
    """One 👍 or 👎 on an answer: no pseudonym, no chat, the day only (bot/storage/feedback.py)."""

    __tablename__ = "answer_feedback"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    topic = sa.Column(sa.String(64), nullable=False)
    language = sa.Column(sa.String(8), nullable=False)
    region = sa.Column(sa.String(32), nullable=False)
    helpful = sa.Column(sa.Boolean, nullable=False)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)  # the day it was given (midnight UTC)


class UnansweredQuestion(Base):
    """A question the assistant could not answer well, scrubbed of numbers, e-mails and names (bot/privacy/scrub.py)."""

    __tablename__ = "unanswered_questions"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    text = sa.Column(sa.Text, nullable=False)
    language = sa.Column(sa.String(8), nullable=False)
    region = sa.Column(sa.String(32), nullable=False)
    nearest_topic = sa.Column(sa.String(64), nullable=False)  # the best suggestion, or "" if none
    reason = sa.Column(sa.String(16), nullable=False)  # fallback / low_confidence / not_helpful
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)  # the day it was asked (midnight UTC)


class ComplaintDraft(Base):
    """A complaint being written (bot/telegram/handoff/complaint.py): the answers so far, until the case opens.

    Kept in the database, not in the process, so any replica can take the next answer. Deleting the
    user deletes it; retention purges it by last_seen.
    """

    __tablename__ = "complaint_drafts"

    pseudonym = sa.Column(sa.String(64), sa.ForeignKey("users.pseudonym", ondelete="CASCADE"), primary_key=True)
    language = sa.Column(sa.String(8), nullable=False)
    answers = sa.Column(sa.Text, nullable=False)  # JSON list of the answers given so far, in question order
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)  # the last answer


class ForumTopicDeletion(Base):
    """A staff-chat forum topic still to delete (its case was forgotten or expired): nothing about the person.

    Kept until Telegram has deleted the topic (which removes every message in it), then removed.
    """

    __tablename__ = "forum_topic_deletions"

    staff_group = sa.Column(sa.BigInteger, primary_key=True, autoincrement=False)  # its case's; 0: the default
    forum_topic_id = sa.Column(sa.BigInteger, primary_key=True, autoincrement=False)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)  # when it was queued


class StaffPrivate(Base):
    """A rostered staff member who has a private chat with the bot (they wrote to it there): staff data only.

    In a private chat Telegram's chat id is the user's id, so `staff_id` is where their copies go.
    Retention purges it by last_seen (their last message in that chat).
    """

    __tablename__ = "staff_private"

    staff_id = sa.Column(sa.BigInteger, primary_key=True, autoincrement=False)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)


class StaffCopy(Base):
    """A message in a staff member's private chat with the bot about a case: a copy sent there, or their reply.

    Kept so that a reply to it finds its case, and so that it is deleted through Telegram (deleteMessage)
    with the case: `/forget` and the retention purge set `case_id` NULL (ON DELETE SET NULL), and every copy
    is deleted anyway before Telegram's 48 hours run out (bot/handoff/inbox.py COPY_LIFETIME).
    """

    __tablename__ = "staff_copies"

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    case_id = sa.Column(sa.Integer, sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True)
    staff_id = sa.Column(sa.BigInteger, nullable=False)
    message_id = sa.Column(sa.BigInteger, nullable=False)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)  # when it was sent


class AlertSubscription(Base):
    """A person's wish to hear when a topic's rules change in their region (issue 13): nothing more about them.

    Where to send comes from `telegram_chats` (sealed); deleting the user (forget, retention) deletes it.
    """

    __tablename__ = "alert_subscriptions"

    pseudonym = sa.Column(sa.String(64), sa.ForeignKey("users.pseudonym", ondelete="CASCADE"), primary_key=True)
    topic = sa.Column(sa.String(64), primary_key=True)
    region = sa.Column(sa.String(32), nullable=False, index=True)
    language = sa.Column(sa.String(8), nullable=False)  # the person's language when they subscribed
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)  # when they subscribed


class AlertDelivery(Base):
    """One alert for one subscriber: queued, claimed by a sender, then sent / skipped / blocked.

    One row per (alert, person) makes queueing idempotent; a sender claims rows in the database
    (state, claim token, time) so replicas never send one twice. After the person is forgotten the
    row keeps only its counts (pseudonym emptied); retention deletes it by last_seen.
    """

    __tablename__ = "alert_deliveries"
    __table_args__ = (sa.UniqueConstraint("alert_id", "pseudonym", name="uq_alert_deliveries_alert_person"),)

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    alert_id = sa.Column(sa.String(64), nullable=False, index=True)
    pseudonym = sa.Column(sa.String(64), nullable=True, index=True)
    language = sa.Column(sa.String(8), nullable=False)
    region = sa.Column(sa.String(32), nullable=False)
    state = sa.Column(sa.String(16), nullable=False, index=True)  # queued / claimed / sent / skipped / blocked
    reason = sa.Column(sa.String(32), nullable=True)  # why skipped: no_translation, expired, no_chat
    claim = sa.Column(sa.String(32), nullable=True)  # the claiming sender's token
    claimed_at = sa.Column(UTCDateTime, nullable=True)
    not_before = sa.Column(UTCDateTime, nullable=True)  # send_after, or a Telegram RetryAfter
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)  # the row's last change
