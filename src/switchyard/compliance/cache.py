"""Per-process cache of things built from a list version (a "generation" id).

Building a screener over tens of thousands of names takes a fraction of a second, so it
is built once per list load and per process, and reused by every order until the
generation stored in the database changes. Concurrent requests wait for one build.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class GenerationCache(Generic[T]):
    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._items: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()

    def get(self, generation: str) -> T | None:
        with self._lock:
            item = self._items.get(generation)
            if item is not None:
                self._items.move_to_end(generation)
            return item

    def put(self, generation: str, item: T) -> None:
        with self._lock:
            self._items[generation] = item
            self._items.move_to_end(generation)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_build(self, generation: str, build: Callable[[], tuple[T, bool]]) -> T:
        """The cached item, or ``build()``'s; it is kept only when ``build`` says it is current."""
        item = self.get(generation)
        if item is not None:
            return item
        with self._build_lock:
            item = self.get(generation)
            if item is not None:
                return item
            item, current = build()
            if current:
                self.put(generation, item)
            return item

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
