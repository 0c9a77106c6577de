"""One lookup for every catalog of named things: GPUs, model presets, number formats.

A :class:`Registry` maps a canonical name and its aliases to one entry. Lookups ignore case,
spaces, dashes, underscores and dots (``"a100-80gb"`` finds ``"A100 SXM 80GB"`` through its
alias); a registry may pass its own ``key`` function (models keep a decimal point as "p", so
"GPT-3 1.3B" and "GPT-3 13B" stay apart). Two names that normalize to the same key are a data
error, caught when the registry is built. Unknown names raise ``ValueError`` naming the parameter
and listing close matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from course_lib import _validate

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries by canonical name, found by name or alias.

    ``entries`` maps canonical name -> entry (in display order); ``aliases`` are (alias, canonical
    name) pairs, or a mapping of them. ``what`` names the catalog in data errors ("gpus.json"); ``param`` is the parameter name
    unknown-name messages start with.
    """

    def __init__(self, entries: Mapping[str, T], aliases: Mapping[str, str] | Iterable[tuple[str, str]] = (), *,
                 what: str,
                 param: str = "name", key: Callable[[str], str] = _validate.normalize_key) -> None:
        self._entries = dict(entries)
        self._key = key
        self.what = what
        self.param = param
        pairs = list(aliases.items() if isinstance(aliases, Mapping) else aliases)
        self._aliases = [alias for alias, _ in pairs]
        self._index: dict[str, str] = {}
        for name in self._entries:
            self._add(name, name)
        for alias, target in pairs:
            if target not in self._entries:
                raise ValueError(f"{what}: alias {alias!r} points at {target!r}, which is not an entry")
            self._add(alias, target)

    def _add(self, label: str, target: str) -> None:
        key = self._key(label)
        if not key:
            raise ValueError(f"{self.what}: name {label!r} has no letters or digits")
        if self._index.setdefault(key, target) != target:
            raise ValueError(f"{self.what}: {label!r} clashes with {self._index[key]!r} (both read as {key!r})")

    def resolve(self, name: Any, param: str | None = None) -> str:
        """Canonical name of ``name`` (a name or alias); ValueError naming ``param`` with close matches."""
        if isinstance(name, str) and self._key(name) in self._index:
            return self._index[self._key(name)]
        raise ValueError(_validate.unknown_message(param or self.param, name, self.labels(), self.names()))

    def get(self, name: Any, param: str | None = None) -> T:
        """The entry of ``name`` (a name or alias)."""
        return self._entries[self.resolve(name, param)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._key(name) in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        """Canonical names, in display order."""
        return list(self._entries)

    def values(self) -> list[T]:
        """Entries, in display order."""
        return list(self._entries.values())

    def labels(self) -> list[str]:
        """Every name and alias (for "did you mean")."""
        return [*self._entries, *self._aliases]


def by_name(items: Iterable[T], name_of: Callable[[T], str]) -> dict[str, T]:
    """``{name_of(item): item}``; ValueError if two items share a name."""
    entries: dict[str, T] = {}
    for item in items:
        name = name_of(item)
        if name in entries:
            raise ValueError(f"duplicate name {name!r}")
        entries[name] = item
    return entries
