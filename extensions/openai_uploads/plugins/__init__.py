"""The built-in plugins, and what anyone may ask about the plugins of this environment.

They implement the same public hooks a user's plugin would:

* :mod:`.retry` — openai-python's retry policy (``decide_retry``), registered last.
* :mod:`.logging` — request and transfer logging to the ``openai_uploads`` logger.
* :mod:`.progress` — a terminal progress bar (needs the ``cli`` extra: rich).
* :mod:`.otel` — OpenTelemetry spans, off unless ``OPENAI_UPLOADS_PLUGINS`` names
  ``otel`` (needs the ``otel`` extra).

:func:`list_plugins` says which plugins a client made here would get, as
``openai-uploads plugins`` prints them.
"""

from __future__ import annotations

from .._plugins import PluginHost, PluginInfo

__all__ = ["PluginInfo", "list_plugins"]


def list_plugins() -> list[PluginInfo]:
    """Every plugin a client made now would get: loaded (with its hooks), turned off
    (with why) and failed to load (with the one line that says so).

    Reads ``OPENAI_UPLOADS_PLUGINS`` and the installed entry points, as a client does;
    nothing is logged. Example::

        from openai_uploads.plugins import list_plugins

        for info in list_plugins():
            print(info.name, info.status, ", ".join(info.hooks))
    """
    return PluginHost().list_plugins()
