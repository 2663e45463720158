"""Token buckets by key, in memory: each key may spend ``burst`` requests at once and
``per_second`` on average; the least recently seen keys are forgotten beyond ``max_keys``.

A forgotten key starts again with a full bucket, which loses nothing unless more
than ``max_keys`` keys are active within the ``burst / per_second`` seconds a
bucket takes to fill.
"""
import math
import time
from collections import OrderedDict
from typing import Callable


class TokenBuckets:
    def __init__(self, per_second: float, burst: int, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not math.isfinite(per_second) or per_second < 0 or burst < 1 or max_keys < 1:
            raise ValueError("per_second must be >= 0 (0: no limit), burst and max_keys >= 1")
        self.per_second, self.burst, self.max_keys, self.clock = per_second, burst, max_keys, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def take(self, key: str) -> int:
        """Spend one token of ``key``'s bucket: 0 when there was one, else the whole seconds (>= 1)
        until there will be."""
        if self.per_second == 0:
            return 0
        now = self.clock()
        tokens, at = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.per_second)
        wait = 0 if tokens >= 1 else max(1, math.ceil((1 - tokens) / self.per_second))
        self._buckets[key] = (tokens if wait else tokens - 1, now)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)
