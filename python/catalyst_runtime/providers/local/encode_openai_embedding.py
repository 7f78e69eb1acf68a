"""An embedding as OpenAI's ``encoding_format: "base64"`` sends it (the twin of TypeScript
``encode-openai-embedding``): little-endian float32 bytes in base64. The official SDKs ask for
base64 by default (a quarter of the JSON size) and decode it.

Example::

    encode_embedding_base64([0.5, -1.0])  # 'AAAAPwAAgL8='
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence

__all__ = ["encode_embedding_base64"]


def encode_embedding_base64(vector: Sequence[float]) -> str:
    """``vector`` as base64 of its little-endian float32 bytes."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
