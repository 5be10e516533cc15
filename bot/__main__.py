"""``python -m bot`` is the ``coach`` command."""

from bot.cli import app

app(prog_name="coach")
