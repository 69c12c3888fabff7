# Generated from openai_uploads/_async/__init__.py by `python scripts/unasync.py`: do not edit.
"""The sync clients and resources, generated from ``openai_uploads._async``."""
