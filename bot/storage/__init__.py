"""Storage of the few things the assistant keeps: preferences and where to send replies.

`Database` is the only way in; the schema comes from the Alembic migrations in
`bot/storage/migrations/`. Nothing here touches a database at import time.
"""

from bot.privacy.pseudonym import pseudonym
from bot.storage.db import Database, Preferences, safe

__all__ = ["Database", "Preferences", "pseudonym", "safe"]
