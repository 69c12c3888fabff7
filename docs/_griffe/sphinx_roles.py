"""A griffe extension for the API reference: the docstrings' Sphinx markup, read as Markdown.

The docstrings are written for ``help()`` and Sphinx: ``:class:`~pkg.Name``` roles and
``Example::`` before an indented block, ``.. versionadded::`` notes. Markdown shows those
literally, so each role becomes a code span of the name it shows (``Name``, or the full
path without ``~``), ``::`` a single colon (the indented block after it is code in
Markdown too) and a version note a line of emphasis. Nothing in
the package changes; mkdocs.yml loads this file.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|exc|data|obj|const):`(~?)\.?([^`]+)`")
LITERAL_BLOCK = re.compile(r"(\S)::$", re.MULTILINE)
VERSION_NOTE = re.compile(
    r"^(\s*)\.\. (versionadded|versionchanged|deprecated):: *(.*)$", re.MULTILINE
)
VERSION_WORDS = {
    "versionadded": "Added in",
    "versionchanged": "Changed in",
    "deprecated": "Deprecated since",
}


def _shown(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"


def _version_note(match: re.Match[str]) -> str:
    indent, kind, rest = match.groups()
    return f"{indent}*{VERSION_WORDS[kind]} version {rest}*"


def markdown(text: str) -> str:
    """``text`` with its Sphinx roles as code spans, ``::`` as ``:`` and version notes
    (``.. versionadded:: 0.1.0``) as a line of emphasis."""
    text = VERSION_NOTE.sub(_version_note, text)
    return LITERAL_BLOCK.sub(r"\1:", ROLE.sub(_shown, text))


class SphinxRoles(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
