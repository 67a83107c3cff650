"""Command line: `python -m bot chat|ask|train|run|purge|alerts|content|nlu` (see `python -m bot --help`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import uuid
from pathlib import Path

from bot.content.yamlfile import DataError
from bot.editorial.alerts import add_alerts_parser, alerts_main
from bot.editorial.cli import add_content_parser, add_nlu_parser, content_main, nlu_main
from bot.settings import Settings, SettingsError, defaults


def _quiet_libraries() -> None:
    """Keep TensorFlow and Rasa start-up chatter off the person's screen."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import warnings

    warnings.filterwarnings("ignore")
    from bot.privacy.log_filter import install

    install(logging.WARNING)


def _render(reply_messages: list[str], buttons: list[tuple[str, str]], choose: str) -> str:
    lines = list(reply_messages)
    if buttons:
        lines.append(choose)
        lines.extend(f"  {i}) {title}" for i, (title, _) in enumerate(buttons, 1))
    return "\n\n".join(lines[: len(reply_messages)]) + (
        "\n" + "\n".join(lines[len(reply_messages) :]) if buttons else ""
    )


async def _chat(settings: Settings, lang: str | None) -> int:
    from bot.wiring import open_assistant

    async with open_assistant(settings) as assistant:
        content = assistant.store.current()
        ui_lang = lang or defaults.LANGUAGE
        print(content.text(ui_lang, "chat.intro"))
        conversation = f"cli-{uuid.uuid4().hex[:12]}"
        buttons: list[tuple[str, str]] = []
        loop = asyncio.get_running_loop()
        while True:
            try:
                line = await loop.run_in_executor(None, input, f"\n{content.text(ui_lang, 'chat.you')}> ")
            except EOFError:
                print()
                return 0
            if line.strip() in ("/quit", "/exit"):
                return 0
            chosen = line.strip().isdigit() and 1 <= int(line.strip()) <= len(buttons)
            if chosen:  # a button we showed: its payload is ours (e.g. the confirmed "delete")
                line = buttons[int(line.strip()) - 1][1]
            turn = await assistant.handle(conversation, line, lang, trusted=chosen)
            lang = ui_lang = turn.language
            content = assistant.store.current()
            buttons = [(b.title, b.payload) for b in turn.reply.buttons]
            print(_render(turn.reply.messages, buttons, content.text(lang, "chat.choose")))


async def _ask(settings: Settings, texts: list[str], lang: str | None, as_json: bool) -> int:
    from bot.wiring import open_assistant

    async with open_assistant(settings) as assistant:
        for text in texts:
            turn = await assistant.handle(f"ask-{uuid.uuid4().hex[:12]}", text, lang)
            if as_json:
                print(json.dumps(turn.as_json(), ensure_ascii=False), flush=True)
            else:
                content = assistant.store.current()
                buttons = [(b.title, b.payload) for b in turn.reply.buttons]
                print(f"[{turn.language} · {turn.topic} · {turn.confidence:.2f}]")
                print(_render(turn.reply.messages, buttons, content.text(turn.language, "chat.choose")))
    return 0


async def _telegram(settings: Settings) -> int:
    from bot.privacy.pseudonym_key import with_pseudonym_key
    from bot.telegram import build_application, check_settings, run_until_stopped
    from bot.wiring import open_assistant

    settings = with_pseudonym_key(settings)
    check_settings(settings)  # before the slow start-up
    async with open_assistant(settings, database_url=settings.storage.database_url) as assistant:  # Rasa's tracker too
        await run_until_stopped(build_application(settings, assistant))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Multilingual information assistant for migrants.")
    sub = p.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="chat with the assistant in this terminal")
    chat.add_argument("--lang", help="start in this language (default: detect)")
    train = sub.add_parser("train", help="check the data and train the model if it changed")
    train.add_argument("--force", action="store_true", help="train even if nothing changed")
    ask = sub.add_parser("ask", help="ask one question (or a batch) and print the answer")
    ask.add_argument("text", nargs="?", help="the question")
    ask.add_argument("--lang", help="answer in this language (default: detect)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--batch", type=Path, help="file with one question per line, each a new conversation")
    sub.add_parser("run", help="serve Telegram if TELEGRAM_BOT_TOKEN is set, else chat here")
    cluster = sub.add_parser("cluster", help="Rasa workers, bot replicas (webhook) and nginx, supervised")
    cluster.add_argument("--replicas", type=int, default=2, help="bot replicas (default 2)")
    cluster.add_argument("--workers", type=int, default=2, help="Rasa workers (default 2)")
    cluster.add_argument("--port", type=int, default=8443, help="nginx's port on 127.0.0.1 (default 8443)")
    purge = sub.add_parser("purge", help="delete stored data not seen for the retention period (DATABASE_URL)")
    purge.add_argument("--days", type=int, help="retention period in days (default: $RETENTION_DAYS or 90)")
    add_alerts_parser(sub)
    add_content_parser(sub)
    add_nlu_parser(sub)
    for sp in (chat, ask):
        sp.add_argument("--region", help="content pack to use (default: $REGION or es-barcelona)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command; return the exit code."""
    args = _parser().parse_args(argv)
    _quiet_libraries()
    if args.command == "content":  # editors' tools: no settings, no model
        return content_main(args)
    if args.command == "nlu":  # editors' tools: no settings, no model
        return nlu_main(args)
    env = dict(os.environ)
    if getattr(args, "region", None):
        env["REGION"] = args.region
    try:
        settings = Settings.from_env(env)
        lang = getattr(args, "lang", None)
        if args.command == "train":
            from bot.rasa.training import train

            train(force=args.force, content_dir=settings.content.dir)
            return 0
        if args.command == "purge":
            from bot.storage.purge import purge_main

            return purge_main(
                settings.storage.database_url,
                settings.storage.retention_days if args.days is None else args.days,
                settings.storage.question_retention_days,
            )
        if args.command == "alerts":
            return alerts_main(settings, args)
        if args.command == "ask":
            if args.batch:
                try:
                    texts = args.batch.read_text(encoding="utf-8").splitlines()
                except OSError as exc:
                    print(f"Cannot read {args.batch}: {exc.strerror}.", file=sys.stderr)
                    return 2
            elif args.text is not None:
                texts = [args.text]
            else:
                print("Give a question, or --batch FILE.", file=sys.stderr)
                return 2
            return asyncio.run(_ask(settings, texts, lang, args.json))
        if args.command == "cluster":
            from bot.deploy.cluster import check, serve
            from bot.rasa.training import train

            check(settings, args.replicas, args.workers)
            return asyncio.run(
                serve(settings, train(content_dir=settings.content.dir), args.replicas, args.workers, args.port)
            )
        if args.command == "run" and settings.telegram.token:
            return asyncio.run(_telegram(settings))
        return asyncio.run(_chat(settings, lang))
    except (DataError, SettingsError) as exc:
        print(f"Cannot start: fix the following and try again.\n{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
