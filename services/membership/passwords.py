"""Password hashing with Argon2id, bounded in memory and in concurrency.

Parameters: m=7 MiB, t=5, p=1, one of the configurations OWASP's Password
Storage Cheat Sheet lists as equal in strength for Argon2id (with m=19 MiB,
t=2 and m=46 MiB, t=1), instead of argon2-cffi's default (RFC 9106
low-memory: 64 MiB, t=3, p=4). Each hash holds its memory cost for its whole
run, so the process's peak is about ``HASH_SLOTS`` x 7 MiB above its base,
whatever the number of workers: the low-memory end of the equal-strength
list keeps membership under the project's 100 MB per process (19 MiB gave a
121 MiB peak in ``make bench-sign-in``).
Hashes run in eventlet's native thread pool (argon2 releases the GIL), so a
hash does not stall the process's other green threads; at most ``HASH_SLOTS``
run at once (2: the machine's cores). The pool has just that many threads:
malloc keeps a freed 19 MiB block in its thread's arena for the next hash,
so eventlet's default 20 threads held 20 blocks (measured at 19 MiB: 386 MiB). Hashes
made with other parameters still verify and are rehashed at the next
sign-in (``needs_rehash``).
"""
from typing import Callable, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool
from eventlet.semaphore import Semaphore

from services.chassis.config import int_setting

T = TypeVar("T")
_hasher = PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1)
HASH_SLOTS = int_setting("PASSWORD_HASH_CONCURRENCY", 2)
_slots = Semaphore(HASH_SLOTS)
tpool.set_num_threads(HASH_SLOTS)  # membership uses the pool for nothing else
# Verified when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")


def _bounded(work: Callable[..., T], *args: str) -> T:
    with _slots:
        return tpool.execute(work, *args)


def hash_password(password: str) -> str:
    return _bounded(_hasher.hash, password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _bounded(_hasher.verify, stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
