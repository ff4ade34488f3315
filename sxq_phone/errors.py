"""What can go wrong on the phone, each with a Chinese message the app can show as is."""

from __future__ import annotations


class PhoneError(Exception):
    default_message = "签名失败"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class WeakPin(PhoneError):
    """The PIN breaks the rule: 6 ASCII digits, not all the same, not a straight run up or down."""

    default_message = "证书密码须为6位数字，不能全部相同，也不能是连续数字"


class EnrolmentMismatch(PhoneError):
    """The public key the server answered is not d_device⁻¹·P_server − G: the server (or the network) did
    not use our share, and a certificate for that key would not be ours."""

    default_message = "服务器返回的公钥与本机密钥分量不符，请重新启用签名密钥"


class RefusedToSign(PhoneError):
    """The message is not what the screen shows (所见即所签), or the request is for another key."""

    default_message = "签名内容与屏幕显示不符，已拒绝签名"


class InvalidRequest(PhoneError):
    """A signing request or a server answer that is malformed (missing field, bad base64, bad point)."""

    default_message = "签名请求格式无效"


class CorruptKeystore(PhoneError):
    """The stored share cannot be read (another version, wrong length, damaged key)."""

    default_message = "本机保存的签名密钥已损坏，请通过短信验证和人脸核验重置"


__all__ = ["CorruptKeystore", "EnrolmentMismatch", "InvalidRequest", "PhoneError", "RefusedToSign", "WeakPin"]
