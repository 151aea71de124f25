"""A Redis server of the test's own, on a free port: never the machine's shared one.

Tests that need it are skipped, with one line saying why, when redis-server is not installed;
with YOUTHNET_REQUIRE_REDIS=1 (as .ci/run sets it) that is a failure instead.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time

import pytest
import redis


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_or_skip():
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("YOUTHNET_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is not installed, and YOUTHNET_REQUIRE_REDIS=1 asks for the Redis tests")
        pytest.skip("redis-server is not installed (install it to run the tests of the portal with Redis)")
    return binary


class RedisServer:
    """redis-server on a free port, its data in `directory`: stop() saves it, start() loads it again."""

    def __init__(self, binary, directory):
        self.binary, self.directory, self.port = binary, directory, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def client(self):
        return redis.Redis(port=self.port, socket_timeout=5)

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self):
        if self.process is None:
            return
        # Redis answers a shutdown by closing the connection.
        with contextlib.suppress(redis.ConnectionError):
            self.client().shutdown(save=True)
        self.process.wait(timeout=10)
        self.process = None
