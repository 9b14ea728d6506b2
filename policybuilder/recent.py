"""A small per-process memory of recently made values (built documents, previews, warnings), safe for threads."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class Recent:
    """A map that keeps its ``size`` most recently used entries; safe for the threads of one process."""

    def __init__(self, size: int):
        self.size, self._entries, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Hashable, make: Callable[[], object]):
        """The value of ``key``, made by ``make()`` (outside the lock) when it is not kept."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value
