"""Custom Rasa NLU components (loaded by the Rasa server from the project root, Python 3.10)."""
