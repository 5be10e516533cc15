"""Coaching logic: pure functions over the person's words (no Rasa imports here)."""
