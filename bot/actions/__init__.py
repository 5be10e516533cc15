"""Rasa SDK actions: thin adapters between the dialogue and the coaching functions.

Run with ``coach actions`` (which upgrades the database first), or
``python -m rasa_sdk --actions bot.actions``.
"""
