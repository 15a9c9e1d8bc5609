"""Subcommands imported on first use, so `otklik nlp annotate` loads only what `nlp` needs.

Each subcommand module pulls in its own heavy libraries (scikit-learn, natasha, telethon,
vk_api, alembic, rq...). `LazyGroup` lists every subcommand by name with a one-line help,
which is all `otklik --help` prints, and imports a module only when its command is looked
up: invoked, asked for its own `--help`, or walked.
"""

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import _click as click  # typer ships its own click; its types live here
from typer._click.utils import make_default_short_help
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

PRETTY_EXCEPTIONS_SHORT = True  # typer.Typer's default, which the root app keeps


@dataclass(frozen=True)
class LazyCommand:
    """`target` is "module:attribute", a `typer.Typer` sub-app or a command function;
    `help` is its first help paragraph (a test checks the two agree)."""

    target: str
    help: str

    def load(self, name: str, group: TyperGroup) -> click.Command:
        """The click command typer builds for `target`, as `add_typer`/`command` would."""
        module, attribute = self.target.split(":")
        found = getattr(importlib.import_module(module), attribute)
        if isinstance(found, typer.Typer):
            return get_group_from_info(
                TyperInfo(found, name=name),
                pretty_exceptions_short=PRETTY_EXCEPTIONS_SHORT,
                rich_markup_mode=group.rich_markup_mode,
                suggest_commands=group.suggest_commands,
            )
        return get_command_from_info(
            CommandInfo(name=name, callback=found),
            pretty_exceptions_short=PRETTY_EXCEPTIONS_SHORT,
            rich_markup_mode=group.rich_markup_mode,
        )


class LazyCommands(MutableMapping[str, click.Command]):
    """A group's `commands`: the eager ones, then the lazy ones, each loaded on first access."""

    def __init__(
        self, group: TyperGroup, eager: Mapping[str, click.Command], lazy: Mapping[str, LazyCommand]
    ) -> None:
        self._group = group
        self._loaded = dict(eager)
        self.lazy = {name: spec for name, spec in lazy.items() if name not in eager}

    def is_loaded(self, name: str) -> bool:
        return name in self._loaded

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            self._loaded[name] = self.lazy[name].load(name, self._group)  # KeyError if unknown
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self._loaded.pop(name, None)
        self.lazy.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from self._loaded
        yield from (name for name in self.lazy if name not in self._loaded)

    def __len__(self) -> int:
        return len(self._loaded.keys() | self.lazy.keys())


class LazyGroup(TyperGroup):
    """A typer group whose subclasses name their `lazy_commands`; use as `Typer(cls=...)`."""

    lazy_commands: ClassVar[Mapping[str, LazyCommand]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.loader = LazyCommands(self, self.commands, self.lazy_commands)
        self.commands = self.loader

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.loader)  # names only: typer's own version loads every command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's command list, with the stored help for commands not imported yet."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names), default=0)
        rows = [(name, self._short_help(name, limit)) for name in names]
        rows = [(name, text) for name, text in rows if text is not None]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _short_help(self, name: str, limit: int) -> str | None:
        """None for a hidden command, which click leaves out of the list."""
        if not self.loader.is_loaded(name):
            return make_default_short_help(self.loader.lazy[name].help, limit)
        command = self.loader[name]
        return None if command.hidden else command.get_short_help_str(limit)
