"""Password hashing: OWASP-sized Argon2id, older hashes upgraded, a bounded number at once."""
import threading
import time

import eventlet
from argon2 import PasswordHasher, extract_parameters

from services.membership import passwords


def test_new_hashes_are_argon2id_at_7_mib_five_passes_one_lane():
    made = extract_parameters(passwords.hash_password("a-long-enough-password"))
    assert (made.type.name, made.memory_cost, made.time_cost, made.parallelism) == ("ID", 7 * 1024, 5, 1)


def test_a_hash_with_older_parameters_still_verifies_and_asks_for_a_rehash():
    old = PasswordHasher().hash("a-long-enough-password")  # argon2-cffi's default: 64 MiB, p=4
    assert passwords.verify_password(old, "a-long-enough-password")
    assert not passwords.verify_password(old, "wrong")
    assert passwords.needs_rehash(old)
    assert not passwords.needs_rehash(passwords.hash_password("a-long-enough-password"))


class SlowHasher:
    """Records how many hashes run at once, in the native threads they run in."""

    def __init__(self) -> None:
        self.lock, self.running, self.most = threading.Lock(), 0, 0

    def hash(self, password: str) -> str:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return "hashed"


def test_a_burst_of_hashes_runs_at_most_hash_slots_at_once(monkeypatch):
    slow = SlowHasher()
    monkeypatch.setattr(passwords, "_hasher", slow)
    pool = eventlet.GreenPool()
    results = list(pool.imap(passwords.hash_password, ["p"] * 10))
    assert results == ["hashed"] * 10
    assert slow.most == passwords.HASH_SLOTS == 2
