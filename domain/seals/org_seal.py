"""Organisation seals (机构印章, SPEC §6, manual §8.2): the enterprise's round seals and the legal rep's square name
seal. They live in the Seal aggregate with `holder_enterprise_id` set; this module holds their rules: which kinds
exist, what their faces say, which styles they take, the one-at-a-time kinds and who may do what with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.canonical import identifier, is_ascii_digits
from domain.errors import DomainError, ErrorCode, InvalidInput
from domain.seals.seal import FaceSource, Seal, SealFace, SealKind, SealStyle, SealStyleNotAllowed

ORG_KINDS = frozenset({SealKind.OFFICIAL, SealKind.CONTRACT, SealKind.FINANCE, SealKind.INVOICE,
                       SealKind.PERSONNEL, SealKind.OTHER, SealKind.LEGAL_REP})
# An enterprise has one 公章 and one 法定代表人章 at a time (the PSB files exactly one of each); the rest may repeat.
SINGLE_KINDS = frozenset({SealKind.OFFICIAL, SealKind.LEGAL_REP})
ROUND_STYLES = frozenset({SealStyle.CLASSIC, SealStyle.DOUBLE_RING, SealStyle.AGED})
LEGAL_REP_STYLES = frozenset({SealStyle.SQUARE})
DEFAULT_ROUND_STYLE = SealStyle.CLASSIC
# What is cut below the star; the plain 公章 carries only the company name.
KIND_TEXT = {SealKind.OFFICIAL: "", SealKind.CONTRACT: "合同专用章", SealKind.FINANCE: "财务专用章",
             SealKind.INVOICE: "发票专用章", SealKind.PERSONNEL: "人事专用章"}
MAX_FACE_TEXT = 8  # characters that fit under the star
MAX_SURROUNDING_TEXT = 40
MAX_SEAL_NAME = 30
INFO_CODE_LENGTH = 13


class OrgCertificateRequired(DomainError):
    code = ErrorCode.ORG_CERTIFICATE_REQUIRED
    default_message = "企业尚未领取有效的机构证书，请先购买企业证书服务并领取企业证书"


class SealKindTaken(DomainError):
    code = ErrorCode.SEAL_KIND_TAKEN
    default_message = "企业已有一枚有效的同类印章，请先注销后再制作"


class NotAnOrgSealKind(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "请选择机构印章类型"


@dataclass(frozen=True)
class OrgSealFaceSpec:
    """What to draw: for round seals the arc text, the text under the star and the information code; for the
    legal-rep seal the person's name."""

    kind: SealKind
    style: SealStyle
    surrounding_text: str  # the enterprise name on the arc, or the legal rep's name on a LEGAL_REP seal
    face_text: str
    info_code: str | None


def check_kind(kind: SealKind) -> None:
    if kind not in ORG_KINDS:
        raise NotAnOrgSealKind(field="kind")


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("请输入印章名称", field="name")
    if len(name) > MAX_SEAL_NAME:
        raise InvalidInput(f"印章名称最多{MAX_SEAL_NAME}个字", field="name")
    return name


def face_text(kind: SealKind, name: str) -> str:
    """The line under the star: the kind's customary words, or for OTHER the seal's own name (it must fit)."""
    if kind is SealKind.OTHER:
        if len(name) > MAX_FACE_TEXT:
            raise InvalidInput(f"其他类型印章的名称将刻在章面上，最多{MAX_FACE_TEXT}个字", field="name")
        return name
    return KIND_TEXT.get(kind, "")


def check_info_code(code: str) -> str:
    """The 13-digit information code (防伪码) the public security organ gives a filed seal."""
    code = identifier(code)
    if not is_ascii_digits(code, INFO_CODE_LENGTH):
        raise InvalidInput("信息编码应为13位数字", field="infoCode")
    return code


def check_surrounding_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput("请输入印章环绕文字", field="surroundingText")
    if len(text) > MAX_SURROUNDING_TEXT:
        raise InvalidInput(f"环绕文字最多{MAX_SURROUNDING_TEXT}个字", field="surroundingText")
    return text


def single_key(enterprise_id: UUID, kind: SealKind) -> str | None:
    """Set only on a live seal of a one-at-a-time kind: a unique column over it keeps the rule under races."""
    return f"{enterprise_id}:{kind.value}" if kind in SINGLE_KINDS else None


def initial_face(kind: SealKind, name: str, enterprise_name: str, legal_rep_name: str) -> OrgSealFaceSpec:
    if kind is SealKind.LEGAL_REP:
        return OrgSealFaceSpec(kind, SealStyle.SQUARE, legal_rep_name, "", None)
    return OrgSealFaceSpec(kind, DEFAULT_ROUND_STYLE, enterprise_name, face_text(kind, name), None)


def changed_face(seal: Seal, style: SealStyle | None, surrounding_text: str | None, info_code: str | None
                 ) -> OrgSealFaceSpec:
    """The face §8.2.3 asks for: what is not given stays as it is; an empty information code removes it."""
    if seal.kind is SealKind.LEGAL_REP:
        if style is not None and style not in LEGAL_REP_STYLES:
            raise SealStyleNotAllowed("法定代表人章为方形章", field="style")
        if surrounding_text:
            raise InvalidInput("法定代表人章不支持环绕文字", field="surroundingText")
        if info_code:
            raise InvalidInput("法定代表人章不支持信息编码", field="infoCode")
        return OrgSealFaceSpec(seal.kind, SealStyle.SQUARE, seal.surrounding_text or "", "", None)
    if style is not None and style not in ROUND_STYLES:
        raise SealStyleNotAllowed("机构印章可选经典、双圈或做旧样式", field="style")
    text = check_surrounding_text(surrounding_text) if surrounding_text is not None else seal.surrounding_text
    code = seal.info_code if info_code is None else (check_info_code(info_code) if info_code.strip() else None)
    return OrgSealFaceSpec(seal.kind, style or seal.style or DEFAULT_ROUND_STYLE, text or "",
                           face_text(seal.kind, seal.name), code)


def make_org_seal(*, enterprise_id: UUID, kind: SealKind, name: str, face: OrgSealFaceSpec,
                  seal_admin_account_id: UUID, face_blob: str, content_type: str, now: datetime,
                  valid_until: datetime) -> tuple[Seal, SealFace]:
    seal = Seal(kind=kind, name=name, created_at=now, valid_until=valid_until, image_blob_id=face_blob,
                content_type=content_type, holder_enterprise_id=enterprise_id, style=face.style,
                seal_admin_account_id=seal_admin_account_id, surrounding_text=face.surrounding_text,
                info_code=face.info_code, single_key=single_key(enterprise_id, kind))
    return seal, SealFace(seal.id, face_blob, content_type, FaceSource.TEMPLATE, now, face.style)


def apply_face(seal: Seal, face: OrgSealFaceSpec, blob_id: str, content_type: str, now: datetime) -> SealFace:
    new = seal.change_face(blob_id, content_type, FaceSource.TEMPLATE, face.style, now)
    seal.surrounding_text, seal.info_code = face.surrounding_text, face.info_code
    return new
