"""Longest-prefix lookup for the DNS and AD checks: one dict per (family, prefix length).

A lookup walks the prefix lengths present in the index from the longest down, so it costs at most
33 (IPv4) or 129 (IPv6) dict probes whatever the number of prefixes: never a scan over pairs.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
Net = ipaddress.IPv4Network | ipaddress.IPv6Network
Addr = ipaddress.IPv4Address | ipaddress.IPv6Address


class PrefixIndex(Generic[T]):
    """Values filed under networks; `matches` yields the networks containing an address or a
    network, longest prefix first, each with the values filed under it (in insertion order)."""

    def __init__(self) -> None:
        self._tables: dict[tuple[int, int], dict[Net, list[T]]] = {}
        self._lengths: dict[int, list[int]] = {4: [], 6: []}

    def add(self, net: Net, value: T) -> None:
        key = (net.version, net.prefixlen)
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = {}
            lengths = self._lengths[net.version]
            lengths.append(net.prefixlen)
            lengths.sort(reverse=True)
        table.setdefault(net, []).append(value)

    def __bool__(self) -> bool:
        return bool(self._tables)

    def matches(self, item: Addr | Net) -> Iterator[tuple[Net, list[T]]]:
        """Networks containing `item` (an address, or a whole network), longest first."""
        if isinstance(item, ipaddress.IPv4Network | ipaddress.IPv6Network):
            version, top, base = item.version, item.prefixlen, item.network_address
        else:
            version, top, base = item.version, item.max_prefixlen, item
        bits = 32 if version == 4 else 128
        make = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
        for plen in self._lengths[version]:
            if plen > top:
                continue
            masked = (int(base) >> (bits - plen) << (bits - plen)) if plen else 0
            net = make((masked, plen))
            values = self._tables[(version, plen)].get(net)
            if values:
                yield net, values

    def longest(self, item: Addr | Net) -> tuple[Net, list[T]] | None:
        """The longest-prefix match, or None."""
        return next(self.matches(item), None)
