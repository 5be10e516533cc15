"""Telegram bridge: relays text and buttons between Telegram and the Rasa REST channel.

PTB only carries messages; Rasa's tracker owns the conversation state. Start it with
:func:`bot.telegram.app.run_polling`, or build the application with
:func:`bot.telegram.app.build_application` to embed or test it.
"""
