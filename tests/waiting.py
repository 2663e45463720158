"""Waiting for what happens elsewhere (an event consumed, a row relayed): poll, then fail."""
from typing import Callable

import eventlet


def wait_until(condition: Callable[[], object], timeout: float, interval: float = 0.1) -> object:
    """Poll ``condition`` until it is truthy; fail after ``timeout`` seconds."""
    deadline = eventlet.hubs.get_hub().clock() + timeout
    while True:
        value = condition()
        if value:
            return value
        if eventlet.hubs.get_hub().clock() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        eventlet.sleep(interval)
