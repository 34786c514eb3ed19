"""Hybrid logical clock: 48-bit milliseconds and a 16-bit counter in one integer that never goes backwards.

Lives in the store (not ``sync``) because every local write stamps its ops with it; sync only feeds it the
times it receives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

COUNTER_BITS = 16
DAY_MS = 24 * 3600 * 1000
# A remote time this far ahead of our wall clock is accepted (the log must converge) but flagged.
FUTURE_TOLERANCE_MS = DAY_MS
# Our wall clock this far behind the newest time we have seen means a dead clock battery, most likely.
BEHIND_WARNING_MS = DAY_MS


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def pack(ms: int, counter: int = 0) -> int:
    return (ms << COUNTER_BITS) | counter


def physical_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS


@dataclass
class HybridClock:
    """The device's clock state; ``last`` is the largest HLC this device has issued or received."""

    last: int = 0

    def tick(self, now_ms: int | None = None) -> int:
        """A new local time, greater than every time seen so far."""
        now = pack(wall_ms() if now_ms is None else now_ms)
        self.last = max(now, self.last + 1)
        return self.last

    def receive(self, remote: int, now_ms: int | None = None) -> bool:
        """Take a remote time into account; True when that time is suspiciously far in our future."""
        now = wall_ms() if now_ms is None else now_ms
        if remote > self.last:
            self.last = remote
        return physical_ms(remote) - now > FUTURE_TOLERANCE_MS

    def local_clock_behind_ms(self, now_ms: int | None = None) -> int:
        """How far our wall clock lags the newest time seen (0 when it does not)."""
        now = wall_ms() if now_ms is None else now_ms
        return max(0, physical_ms(self.last) - now)
