"""The server's half for these tests, done by the independent implementation so the phone is checked against
arithmetic that is not its own."""

from __future__ import annotations

import base64
import secrets
from itertools import count

from tests.support import independent_phone as ref

_ids = count(1)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class FakeServer:
    def __init__(self) -> None:
        self.d_server = secrets.randbelow(ref.n - 1) + 1
        self.public_key = b""
        self.nonces: dict[str, int] = {}
        self.messages: dict[str, bytes] = {}

    def enrol(self, device_public_share_b64: str) -> tuple[str, str]:
        """(P_server, P) in base64, as the GraphQL enrolment answer carries them."""
        p_device = base64.b64decode(device_public_share_b64)
        self.public_key = ref.joint_public_key(self.d_server, p_device)
        return b64(ref.public_share(self.d_server)), b64(self.public_key)

    def request(self, message: bytes, *, public_key: bytes | None = None) -> dict[str, str]:
        request_id = f"req-{next(_ids)}"
        w1 = secrets.randbelow(ref.n - 1) + 1
        self.nonces[request_id], self.messages[request_id] = w1, message
        return {"id": request_id, "message": b64(message), "serverCommitment": b64(ref.commitment(w1)),
                "publicKey": b64(public_key or self.public_key), "purpose": "SCAN_DOCUMENT", "display": "",
                "expiresAt": "2030-01-01T00:00:00+00:00"}

    def finish(self, co_signature) -> tuple[int, int] | None:
        """(r, s) if the co-signature finishes into a valid signature, else None (a wrong PIN)."""
        fields = co_signature.as_input()
        request_id, r, s1 = fields["requestId"], int(fields["r"], 16), int(fields["s1"], 16)
        s = ref.finish(self.d_server, self.nonces.pop(request_id), r, s1)
        return (r, s) if ref.verify(self.public_key, self.messages[request_id], r, s) else None
