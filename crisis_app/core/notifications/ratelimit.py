"""Per-channel token buckets, shared by every worker through Redis (in-process without Redis).

A bucket refills at ``rate`` tokens per second up to ``burst``; a send takes one token. The rate is the
provider's contract, so a 2,000-person alert does not get the CPTS's account blocked.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import redis

# Redis keeps the clock (TIME) so workers on several hosts agree on it.
_LUA = """
local key, rate, burst, n = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= n then tokens = tokens - n else wait = (n - tokens) / rate end
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', key, 3600)
return tostring(wait)
"""


@dataclass
class Bucket:
    rate: float  # tokens per second; 0 or less means unlimited
    burst: float

    @property
    def unlimited(self) -> bool:
        return self.rate <= 0


class TokenBuckets:
    """``acquire(channel)`` blocks until the channel's bucket grants one send."""

    def __init__(self, rates: dict[str, float], redis_url: str = "", prefix: str = "vigie:bucket:",
                 clock=time.monotonic):
        self.buckets = {name: Bucket(rate=r, burst=max(r, 1.0)) for name, r in rates.items()}
        self.prefix = prefix
        self._redis = redis.Redis.from_url(redis_url) if redis_url else None
        self._script = self._redis.register_script(_LUA) if self._redis else None
        self._local: dict[str, tuple[float, float]] = {}
        self._clock = clock
        self._lock = threading.Lock()

    def bucket(self, channel: str) -> Bucket:
        return self.buckets.get(channel) or self.buckets.get(channel.split(":")[0]) or Bucket(rate=0, burst=1)

    def wait_time(self, channel: str) -> float:
        """Take a token if one is there (0.0), else say how long to wait before asking again."""
        bucket = self.bucket(channel)
        if bucket.unlimited:
            return 0.0
        if self._script is not None:
            return float(self._script(keys=[self.prefix + channel], args=[bucket.rate, bucket.burst, 1]))
        return self._local_wait(channel, bucket)

    def _local_wait(self, channel: str, bucket: Bucket) -> float:
        with self._lock:
            now = self._clock()
            tokens, ts = self._local.get(channel, (bucket.burst, now))
            tokens = min(bucket.burst, tokens + (now - ts) * bucket.rate)
            if tokens >= 1:
                self._local[channel] = (tokens - 1, now)
                return 0.0
            self._local[channel] = (tokens, now)
            return (1 - tokens) / bucket.rate

    def acquire(self, channel: str, *, sleep=time.sleep) -> None:
        while (wait := self.wait_time(channel)) > 0:
            sleep(min(wait, 1.0))
