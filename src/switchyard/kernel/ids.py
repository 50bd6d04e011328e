"""Time-sortable identifiers (ULID layout) with a readable prefix, e.g. ``ord_01JB...``.

Generated in the application so rows can be inserted in bulk without a round trip for
keys, and sortable so cursor pagination can walk them in creation order.
"""

import base64
import os
import time
from functools import lru_cache

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# base64's RFC 4648 base32 digits, renamed to ours: 10 random bytes are 16 digits.
_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _ALPHABET)


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


@lru_cache(maxsize=64)
def _time_part(millis: int) -> str:
    return _encode(millis, 10)


def new_id(prefix: str) -> str:
    millis = time.time_ns() // 1_000_000
    randomness = base64.b32encode(os.urandom(10)).decode().translate(_FROM_RFC4648)
    return f"{prefix}_{_time_part(millis)}{randomness}"
