"""The cache backend: Django's Redis cache, plus what lets a process answer without a round trip.

On a small server a round trip to Redis costs as much CPU as a whole trivial request, so the page
cache (portal.page_cache) keeps what it reads in process memory as well, and this module gives it
the two pieces for that:

- `Watch`: one key that every process follows, so that reading it costs nothing. Whoever writes
  the key announces it on a Redis channel; a thread in each process listens and reads the key
  again on each announcement (and every second besides, in case one is lost). While the thread is
  not connected, the watch knows nothing and callers ask Redis as before.
- `NearStore`: a bounded copy of entries in process memory, least recently used dropped first.

Also: one redis-py client per server for the life of the process. Django builds one for every
call, which with redis-py 8 costs as much CPU as the call itself.
"""

import logging
import os
import pickle
import threading
import time
from collections import OrderedDict

from django.core.cache.backends import redis as django_redis

logger = logging.getLogger(__name__)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class RedisCache(django_redis.RedisCache):
    """Django's Redis cache with its clients kept, and watches on single keys (`watch`)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._watch_prefix = (tuple(self._servers), self.key_prefix, self.version)

    def watch(self, key):
        """This process's Watch on key (one whichever thread asks), started on first use."""
        name = (os.getpid(), *self._watch_prefix, key)
        found = _watches.get(name)
        if found is None:
            with _watches_lock:
                found = _watches.get(name)
                if found is None:
                    found = _watches[name] = Watch(self, key)
        return found


_watches = {}
_watches_lock = threading.Lock()


class Watch:
    """One cache key, followed by this process: `value` is what the key holds, or None if unknown."""

    # How long a lost announcement can leave this process on an old value, at most.
    REREAD_SECONDS = 1.0

    def __init__(self, backend, key):
        self.backend = backend
        self.key = key
        self.channel = f"changed:{backend.make_and_validate_key(key)}"
        self.value = None
        self.live = threading.Event()  # set while the thread is subscribed
        self._changes = 0  # changes announced by this process
        self._lost = False
        self._lock = threading.Lock()
        threading.Thread(target=self._listen, name=f"watch {key}", daemon=True).start()

    def changed(self, value):
        """Announce that the key now holds value (the caller has written it to the cache)."""
        with self._lock:
            self._changes += 1
            if self.value is not None:
                self.value = value
        self.backend._cache.get_client(write=True).publish(self.channel, b"")

    def _reread(self):
        changes = self._changes
        value = self.backend.get(self.key)
        with self._lock:
            # A change announced here meanwhile is newer than what was read: its own
            # announcement brings the next read.
            if changes == self._changes:
                self.value = value

    def _listen(self):
        while True:
            try:
                pubsub = self.backend._cache.get_client().pubsub()
                try:
                    pubsub.subscribe(self.channel)
                    # The first message confirms the subscription. Reading only after it, no
                    # change can fall between a read and the announcement that follows it.
                    while pubsub.get_message(timeout=self.REREAD_SECONDS) is None:
                        pass
                    self._reread()
                    if self._lost:
                        logger.warning("Following %s again", self.key)
                        self._lost = False
                    self.live.set()
                    while True:
                        pubsub.get_message(timeout=self.REREAD_SECONDS)
                        self._reread()
                finally:
                    pubsub.close()
            except Exception:
                self.value = None
                if not self._lost:
                    logger.warning("Lost the watch on %s; asking the cache each time", self.key, exc_info=True)
                    self._lost = True
                self.live.clear()
                time.sleep(self.REREAD_SECONDS)


class NearStore:
    """Entries kept in this process's memory up to `limit` bytes (as pickled), oldest use dropped first."""

    def __init__(self, limit):
        self.limit = limit
        self.size = 0
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key, value):
        size = len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        if size > self.limit:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (value, size)
            self.size += size
            while self.size > self.limit:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self.size -= dropped

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.size = 0
