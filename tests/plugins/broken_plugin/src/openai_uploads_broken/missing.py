"""Needs a module that is not installed."""

import openai_uploads_not_installed_anywhere  # noqa: F401
