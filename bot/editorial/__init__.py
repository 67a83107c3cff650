"""Tools for content editors: `python -m bot content check|stamp|preview|report|gaps|export`, `nlu suggest`.

- ``check``: every problem in content/ (bot.content.load's checks plus the
  editorial ones: facts that differ between translations, stale translations).
- ``stamp``: record in translations which English text they were made from.
- ``preview``: an answer exactly as Telegram shows it.
- ``report``: a page per region showing the state of every answer in every language.
- ``gaps``: the questions the assistant could not answer, grouped.
- ``export``: a printable leaflet (HTML or PDF) of a region's key answers and hotlines.
- ``nlu suggest``: unanswered questions as candidate NLU examples, for review.

Nothing here runs at import time; the command line is in ``bot.editorial.cli``.
"""
