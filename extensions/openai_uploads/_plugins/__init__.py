"""A client's plugins: which load, the guarantees around each hook, and the typed host.

* :mod:`._loading` -- the selection (``OPENAI_UPLOADS_PLUGINS``), built-in, installed
  and optional plugins, and the one line that says why one failed to load;
* :mod:`._guards` -- what registration refuses, and the guard around each impl (an
  observer's fault is logged and ignored, a decision's is a ``PluginError``);
* :mod:`._host` -- :class:`PluginHost`, pluggy's manager with a typed method per hook,
  so no other module calls ``pm.hook``.

The names other modules use are re-exported here.
"""

from ._guards import DECISION_HOOKS, HOOKS, OBSERVER_HOOKS, PROTECTED_HEADERS, RESERVED_DIGEST
from ._host import PluginHost, UploadsPluginManager
from ._loading import (
    BUILTIN_PREFIX,
    DISABLE_AUTOLOAD_ENV,
    OPTIONAL_PLUGINS,
    PLUGINS_ENV,
    RETIRED_PLUGINS,
    PluginInfo,
    PluginSelection,
    default_plugins,
)

__all__ = [
    "BUILTIN_PREFIX",
    "DECISION_HOOKS",
    "DISABLE_AUTOLOAD_ENV",
    "HOOKS",
    "OBSERVER_HOOKS",
    "OPTIONAL_PLUGINS",
    "PLUGINS_ENV",
    "PROTECTED_HEADERS",
    "RESERVED_DIGEST",
    "RETIRED_PLUGINS",
    "PluginHost",
    "PluginInfo",
    "PluginSelection",
    "UploadsPluginManager",
    "default_plugins",
]
