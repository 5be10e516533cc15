"""The record: SQLAlchemy 2 models, one session factory, repositories and migrations.

All SQL in the project lives in this package.
"""
