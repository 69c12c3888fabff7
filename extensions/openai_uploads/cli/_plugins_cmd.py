"""``openai-uploads plugins``: every plugin, with its distribution, version and hooks."""

from __future__ import annotations

import json

import click

from ..plugins import PluginInfo, list_plugins


def _origin(info: PluginInfo) -> str:
    if info.distribution:
        dist = f"{info.distribution} {info.version}" if info.version else info.distribution
        return f"{dist} ({info.kind})" if info.kind == "built-in" else dist
    return info.kind


@click.command(short_help="List plugins: distribution, version, hooks, status.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def plugins(as_json: bool) -> None:
    """List the plugins a client in this environment gets: the built-ins, the installed
    ones (entry points of the openai_uploads group) and their hooks, with those turned
    off (and why) and those that failed to load. A name in OPENAI_UPLOADS_PLUGINS that
    matches no plugin is a warning on stderr.

    \b
    Turn plugins on or off with OPENAI_UPLOADS_PLUGINS, e.g.
      OPENAI_UPLOADS_PLUGINS=no:NAME     every plugin but NAME
      OPENAI_UPLOADS_PLUGINS='*,otel'    every plugin, plus OpenTelemetry tracing
    """
    infos = list_plugins()
    if as_json:
        click.echo(json.dumps([info.to_dict() for info in infos], indent=2))
        return
    width = max((len(info.name) for info in infos), default=0)
    for info in infos:
        line = f"{info.name:<{width}}  {info.status:<8}  {_origin(info)}"
        if info.hooks:
            line += f"  hooks: {', '.join(info.hooks)}"
        if info.note:
            line += f"  ({info.note})"
        click.echo(line)
        if info.error:
            click.echo(f"{'':<{width}}  {info.error}")
