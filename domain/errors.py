"""The one error hierarchy of the domain: each error carries a stable code and a Chinese message."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    INPUT_TOO_LONG = "INPUT_TOO_LONG"
    INVALID_PHONE = "INVALID_PHONE"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    PHONE_ALREADY_REGISTERED = "PHONE_ALREADY_REGISTERED"
    SMS_CODE_INVALID = "SMS_CODE_INVALID"
    SMS_CODE_EXPIRED = "SMS_CODE_EXPIRED"
    SMS_CODE_ATTEMPTS_EXCEEDED = "SMS_CODE_ATTEMPTS_EXCEEDED"
    SMS_COOLDOWN = "SMS_COOLDOWN"
    SMS_DAILY_LIMIT = "SMS_DAILY_LIMIT"
    SMS_DELIVERY_FAILED = "SMS_DELIVERY_FAILED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    LOGIN_LOCKED = "LOGIN_LOCKED"
    INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN"
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    ACCOUNT_DELETION_BLOCKED = "ACCOUNT_DELETION_BLOCKED"
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    INVALID_DOCUMENT_NUMBER = "INVALID_DOCUMENT_NUMBER"
    INVALID_NAME = "INVALID_NAME"
    DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED"
    DOCUMENT_ALREADY_USED = "DOCUMENT_ALREADY_USED"
    ALREADY_VERIFIED = "ALREADY_VERIFIED"
    VERIFICATION_IN_PROGRESS = "VERIFICATION_IN_PROGRESS"
    IDENTITY_MISMATCH = "IDENTITY_MISMATCH"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    FACE_TOKEN_INVALID = "FACE_TOKEN_INVALID"
    FACE_PENDING = "FACE_PENDING"
    FACE_FAILED = "FACE_FAILED"
    INVALID_IMAGE = "INVALID_IMAGE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    REVIEW_ALREADY_DECIDED = "REVIEW_ALREADY_DECIDED"
    REASON_REQUIRED = "REASON_REQUIRED"
    SECOND_APPROVER_REQUIRED = "SECOND_APPROVER_REQUIRED"
    SECOND_FACTOR_REQUIRED = "SECOND_FACTOR_REQUIRED"
    CONFLICT = "CONFLICT"
    # certificates and seals (SPEC §5, §6)
    IDENTITY_NOT_VERIFIED = "IDENTITY_NOT_VERIFIED"
    ENTITLEMENT_REQUIRED = "ENTITLEMENT_REQUIRED"
    SEAL_NOT_ACTIVE = "SEAL_NOT_ACTIVE"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    # commerce
    ORDER_NOT_PAYABLE = "ORDER_NOT_PAYABLE"
    ORDER_ALREADY_PAID = "ORDER_ALREADY_PAID"
    PLAN_SUBJECT_MISMATCH = "PLAN_SUBJECT_MISMATCH"
    INVOICE_NOT_ALLOWED = "INVOICE_NOT_ALLOWED"
    NOT_AVAILABLE_YET = "NOT_AVAILABLE_YET"
    # scan services (SPEC §7)
    SCAN_QR_INVALID = "SCAN_QR_INVALID"
    SCAN_SESSION_EXPIRED = "SCAN_SESSION_EXPIRED"
    SCAN_SESSION_TAKEN = "SCAN_SESSION_TAKEN"
    SCAN_SESSION_CLOSED = "SCAN_SESSION_CLOSED"
    CERTIFICATE_NOT_USABLE = "CERTIFICATE_NOT_USABLE"
    QUOTA_EXHAUSTED = "QUOTA_EXHAUSTED"
    # enterprises (SPEC §3)
    ENTERPRISE_ALREADY_CERTIFIED = "ENTERPRISE_ALREADY_CERTIFIED"
    NOT_LEGAL_REPRESENTATIVE = "NOT_LEGAL_REPRESENTATIVE"
    CERTIFICATION_METHOD_UNAVAILABLE = "CERTIFICATION_METHOD_UNAVAILABLE"
    # §5.1.2 corporate bank transfer, §8.6 information change
    BANK_TRANSFER_CODE_INVALID = "BANK_TRANSFER_CODE_INVALID"
    BANK_TRANSFER_EXPIRED = "BANK_TRANSFER_EXPIRED"
    BANK_TRANSFER_FAILED = "BANK_TRANSFER_FAILED"
    ENTERPRISE_CHANGE_IN_PROGRESS = "ENTERPRISE_CHANGE_IN_PROGRESS"
    # §8.4 admin transfer
    ADMIN_TRANSFER_PENDING = "ADMIN_TRANSFER_PENDING"
    ADMIN_TRANSFER_CLOSED = "ADMIN_TRANSFER_CLOSED"
    ADMIN_TRANSFER_TARGET_INVALID = "ADMIN_TRANSFER_TARGET_INVALID"
    ADMIN_TRANSFER_OUTDATED = "ADMIN_TRANSFER_OUTDATED"
    INVITATION_EXPIRED = "INVITATION_EXPIRED"
    INVITATION_INVALID = "INVITATION_INVALID"
    INVITATION_RESEND_LIMIT = "INVITATION_RESEND_LIMIT"
    ENTERPRISE_NOT_CERTIFIED = "ENTERPRISE_NOT_CERTIFIED"
    ADMIN_ALREADY_EXISTS = "ADMIN_ALREADY_EXISTS"
    # §5.2 joining, §8.1 members
    JOIN_REFUSED = "JOIN_REFUSED"
    ALREADY_MEMBER = "ALREADY_MEMBER"
    JOIN_APPLICATION_PENDING = "JOIN_APPLICATION_PENDING"
    JOIN_APPLICATION_DECIDED = "JOIN_APPLICATION_DECIDED"
    NOT_ENTERPRISE_ADMIN = "NOT_ENTERPRISE_ADMIN"
    MEMBER_NAME_MISMATCH = "MEMBER_NAME_MISMATCH"
    MEMBER_INVITATION_PENDING = "MEMBER_INVITATION_PENDING"
    CANNOT_REMOVE_LEGAL_REP = "CANNOT_REMOVE_LEGAL_REP"
    CANNOT_REMOVE_LAST_ADMIN = "CANNOT_REMOVE_LAST_ADMIN"
    JOIN_ATTEMPTS_EXCEEDED = "JOIN_ATTEMPTS_EXCEEDED"
    # §6.3 member service applications, §8.1 gifts
    SERVICE_APPLICATION_CLOSED = "SERVICE_APPLICATION_CLOSED"
    SERVICE_APPLICATION_NOT_APPROVED = "SERVICE_APPLICATION_NOT_APPROVED"
    NOT_APPLICANT = "NOT_APPLICANT"
    # §8.2 organisation seals
    ORG_CERTIFICATE_REQUIRED = "ORG_CERTIFICATE_REQUIRED"
    SEAL_KIND_TAKEN = "SEAL_KIND_TAKEN"
    # §8.5 certificate grants
    CERTIFICATE_GRANT_CLOSED = "CERTIFICATE_GRANT_CLOSED"
    # SPEC §C the two-share signing key
    PIN_INCORRECT = "PIN_INCORRECT"
    PIN_LOCKED = "PIN_LOCKED"
    SIGNING_KEY_REQUIRED = "SIGNING_KEY_REQUIRED"
    SIGNING_KEY_EXISTS = "SIGNING_KEY_EXISTS"
    INVALID_KEY_SHARE = "INVALID_KEY_SHARE"
    SIGNING_REQUEST_INVALID = "SIGNING_REQUEST_INVALID"
    SIGNING_REQUEST_EXPIRED = "SIGNING_REQUEST_EXPIRED"
    SIGNING_REQUEST_USED = "SIGNING_REQUEST_USED"


class DomainError(Exception):
    """An expected failure the user can act on. `field` names the input path, when there is one."""

    code: ErrorCode = ErrorCode.INVALID_INPUT
    default_message: str = "输入有误"

    def __init__(self, message: str | None = None, *, field: str | None = None, code: ErrorCode | None = None,
                 details: dict | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        if code is not None:
            self.code = code
        self.details = details or {}
        super().__init__(self.message)

    def at(self, field: str) -> DomainError:
        """The same error, pinned to an input field (value objects do not know their field name)."""
        self.field = field
        return self

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{type(self).__name__}({self.code}, {self.message!r}, field={self.field!r})"


def _error(name: str, code: ErrorCode, message: str) -> type[DomainError]:
    return type(name, (DomainError,), {"code": code, "default_message": message})


InvalidInput = _error("InvalidInput", ErrorCode.INVALID_INPUT, "输入有误")
InputTooLong = _error("InputTooLong", ErrorCode.INPUT_TOO_LONG, "输入内容过长")
InvalidPhone = _error("InvalidPhone", ErrorCode.INVALID_PHONE, "请输入正确的中国大陆手机号")
WeakPassword = _error("WeakPassword", ErrorCode.WEAK_PASSWORD, "密码须为8-16位，且同时包含大写字母、小写字母和数字")
PhoneAlreadyRegistered = _error("PhoneAlreadyRegistered", ErrorCode.PHONE_ALREADY_REGISTERED, "该手机号已注册，请直接登录")
SmsCodeInvalid = _error("SmsCodeInvalid", ErrorCode.SMS_CODE_INVALID, "短信验证码错误")
SmsCodeExpired = _error("SmsCodeExpired", ErrorCode.SMS_CODE_EXPIRED, "短信验证码已失效，请重新获取")
SmsCodeAttemptsExceeded = _error("SmsCodeAttemptsExceeded", ErrorCode.SMS_CODE_ATTEMPTS_EXCEEDED,
                                 "验证码错误次数过多，请重新获取")
SmsCooldown = _error("SmsCooldown", ErrorCode.SMS_COOLDOWN, "验证码发送过于频繁，请稍后再试")
SmsDailyLimit = _error("SmsDailyLimit", ErrorCode.SMS_DAILY_LIMIT, "今日验证码发送次数已达上限，请明天再试")
InvalidCredentials = _error("InvalidCredentials", ErrorCode.INVALID_CREDENTIALS, "手机号或密码错误")
LoginLocked = _error("LoginLocked", ErrorCode.LOGIN_LOCKED, "密码错误次数过多，密码登录已锁定，请稍后再试或使用验证码登录")
InvalidRefreshToken = _error("InvalidRefreshToken", ErrorCode.INVALID_REFRESH_TOKEN, "登录已失效，请重新登录")
NotFound = _error("NotFound", ErrorCode.NOT_FOUND, "对象不存在")
PermissionDenied = _error("PermissionDenied", ErrorCode.PERMISSION_DENIED, "无权执行此操作")
AccountDeletionBlocked = _error("AccountDeletionBlocked", ErrorCode.ACCOUNT_DELETION_BLOCKED, "当前账户暂不能注销")
InvalidIdNumber = _error("InvalidIdNumber", ErrorCode.INVALID_ID_NUMBER, "身份证号码有误，请检查后重新输入")
InvalidDocumentNumber = _error("InvalidDocumentNumber", ErrorCode.INVALID_DOCUMENT_NUMBER, "证件号码格式有误")
InvalidName = _error("InvalidName", ErrorCode.INVALID_NAME, "请输入正确的姓名")
DocumentExpired = _error("DocumentExpired", ErrorCode.DOCUMENT_EXPIRED, "证件已过期，请使用有效证件")
DocumentAlreadyUsed = _error("DocumentAlreadyUsed", ErrorCode.DOCUMENT_ALREADY_USED, "该证件已被其他账号认证")
AlreadyVerified = _error("AlreadyVerified", ErrorCode.ALREADY_VERIFIED, "您已完成实名认证")
VerificationInProgress = _error("VerificationInProgress", ErrorCode.VERIFICATION_IN_PROGRESS, "实名认证审核中，请耐心等待")
IdentityMismatch = _error("IdentityMismatch", ErrorCode.IDENTITY_MISMATCH, "姓名与身份证号码不一致")
ServiceUnavailable = _error("ServiceUnavailable", ErrorCode.SERVICE_UNAVAILABLE, "核验服务暂不可用，请稍后重试")
FaceTokenInvalid = _error("FaceTokenInvalid", ErrorCode.FACE_TOKEN_INVALID, "人脸核验已失效，请重新发起")
FacePending = _error("FacePending", ErrorCode.FACE_PENDING, "人脸核验尚未完成")
FaceFailed = _error("FaceFailed", ErrorCode.FACE_FAILED, "人脸核验未通过，请重新认证")
InvalidImage = _error("InvalidImage", ErrorCode.INVALID_IMAGE, "请上传 JPG 或 PNG 格式的图片")
FileTooLarge = _error("FileTooLarge", ErrorCode.FILE_TOO_LARGE, "图片不能超过 5MB")
ReviewAlreadyDecided = _error("ReviewAlreadyDecided", ErrorCode.REVIEW_ALREADY_DECIDED, "该审核已处理")
ReasonRequired = _error("ReasonRequired", ErrorCode.REASON_REQUIRED, "驳回时请填写原因")
Conflict = _error("Conflict", ErrorCode.CONFLICT, "数据已被修改，请刷新后重试")
SecondApproverRequired = _error("SecondApproverRequired", ErrorCode.SECOND_APPROVER_REQUIRED,
                                "企业信息变更须由另一位主管复核通过")
SecondFactorRequired = _error("SecondFactorRequired", ErrorCode.SECOND_FACTOR_REQUIRED, "请输入动态口令")


class Unauthenticated(Exception):
    """No valid principal: a GraphQL error, not a user error (api/README.md)."""


class NotSignedIn(Unauthenticated):
    """The operation needs a signed-in account or operator and the request stands for nobody. When the request
    did send a bearer token, the GraphQL layer says why it stands for nobody (an expired or an invalid token)."""


class Forbidden(Exception):
    """The caller's kind may not use this operation at all (an account calling an operator field)."""
