"""Alert files: checked like answers, listed in the report; quiet hours in the region's time zone; the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.content.alerts import quiet_now
from bot.content.checks import run_checks
from bot.content.model import Region
from bot.editorial.alerts import send_main, status_main
from bot.editorial.report import write_report
from tests.helpers.alerts import ALERT, alert_content, alert_settings

UTC = dt.timezone.utc


def test_the_example_alert_loads_with_every_language(tmp_path: Path):
    content = alert_content(tmp_path)
    result = run_checks(content)
    assert result.errors == []
    alert = result.content.alerts[ALERT]
    assert alert.regions == ("th",) and alert.topic == "work.permit" and len(alert.translations) == 8
    assert alert.sendable("en") is None and alert.sendable("th") is not None  # English is a draft


def _alert_errors(content: Path) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in run_checks(content).errors if p.path.endswith(f"{ALERT}.yml")]


def test_a_broken_alert_is_named_with_its_field(tmp_path: Path):
    content = alert_content(tmp_path)
    path = content / "alerts" / f"{ALERT}.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("regions: [th]", "regions: [nowhere]"), encoding="utf-8")
    problems = _alert_errors(content)
    assert any(f == "regions.0" and "nowhere" in m for f, m in problems), problems
    path.write_text(text.replace("with 1694", "with 1964"), encoding="utf-8")  # English only
    problems = _alert_errors(content)
    assert any("1694" in m for _, m in problems), problems  # the translations have a number English lacks


def test_an_alert_topic_the_region_does_not_offer_is_an_error(tmp_path: Path):
    content = alert_content(tmp_path)
    region = content / "th" / "region.yml"
    region.write_text(region.read_text(encoding="utf-8").replace("alert_topics: [work.permit, ", "alert_topics: ["))
    assert any("alert_topics" in p.message for p in run_checks(content).errors)


def test_the_report_lists_alerts_with_their_translation_status(tmp_path: Path):
    html, md = write_report(alert_content(tmp_path), tmp_path / "report", dt.date(2026, 12, 2))
    page = html.read_text(encoding="utf-8")
    assert f'data-alert="{ALERT}" data-lang="en" data-status="draft"' in page
    assert f'data-alert="{ALERT}" data-lang="km" data-status="machine_translation"' in page
    assert f"| `{ALERT}` | th | work.permit | sendable |" in md.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("utc", "quiet"),
    [("2026-12-02T13:59", False), ("2026-12-02T14:00", True), ("2026-12-03T00:59", True), ("2026-12-03T01:00", False)],
)
def test_quiet_hours_are_the_regions_local_time(utc: str, quiet: bool):
    bangkok = Region("th", {}, "191", (), "Asia/Bangkok", ("21:00", "08:00"))  # UTC+7
    assert quiet_now(bangkok, dt.datetime.fromisoformat(utc).replace(tzinfo=UTC)) is quiet


def test_send_refuses_unknown_and_expired_alerts_and_status_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    settings = alert_settings(alert_content(tmp_path), tmp_path / "var", "http://127.0.0.1:1")
    assert send_main(settings, "no-such-alert", False) == 2
    assert "No alert 'no-such-alert'" in capsys.readouterr().err
    assert send_main(settings, ALERT, False, today=dt.date(2027, 3, 1)) == 2
    assert "expired on 2027-02-13" in capsys.readouterr().err
    assert send_main(settings, "ALL", True, today=dt.date(2026, 11, 1)) == 0  # before send_after: not due
    assert capsys.readouterr().out == ""
    assert send_main(settings, ALERT, False) == 0
    assert json.loads(capsys.readouterr().out) == {"alert": ALERT, "queued": 0, "by_language": {}, "skipped": {}}
    assert status_main(settings, None, True) == 0
    assert "Nothing queued yet" in capsys.readouterr().err
