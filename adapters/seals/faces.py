"""What a seal face says and in which style; shared by the renderers and the SES_Seal builder."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from domain.canonical import is_ascii_digits


class SealFaceError(ValueError):
    """The face cannot be drawn as asked (empty name, malformed information code, ...)."""


class OrgSealStyle(enum.Enum):
    CLASSIC = "CLASSIC"          # one bold ring (公章 as most PSBs approve it)
    DOUBLE_RING = "DOUBLE_RING"  # bold ring with a thin inner ring
    AGED = "AGED"                # classic with uneven ink, as a seal pressed by hand looks


class SquareSealStyle(enum.Enum):
    BORDERED = "BORDERED"  # 朱文: red characters inside a red frame
    SOLID = "SOLID"        # 白文: characters cut out of a red block


class PersonalSealStyle(enum.Enum):
    SQUARE = "SQUARE"        # 2x2 characters, 某某之印
    RECTANGLE = "RECTANGLE"  # the name in one horizontal line inside a frame
    OVAL = "OVAL"            # the name in one line inside an ellipse


@dataclass(frozen=True)
class OrgSealFace:
    company_name: str
    seal_name: str = ""  # e.g. 合同专用章; empty for the plain 公章 face
    information_code: str | None = None  # 13 digits issued by the public security organ
    style: OrgSealStyle = OrgSealStyle.CLASSIC

    def __post_init__(self) -> None:
        if not self.company_name.strip():
            raise SealFaceError("印章单位名称不能为空")
        if len(self.company_name) > 40:
            raise SealFaceError("印章单位名称过长")
        if len(self.seal_name) > 8:
            raise SealFaceError("印章名称过长")
        code = self.information_code
        if code is not None and not is_ascii_digits(code, 13):
            raise SealFaceError("防伪编码应为13位数字")


def _check_person(name: str) -> None:
    if not name.strip():
        raise SealFaceError("姓名不能为空")
    if len(name) > 10:
        raise SealFaceError("姓名过长")


@dataclass(frozen=True)
class LegalRepSealFace:
    name: str
    style: SquareSealStyle = SquareSealStyle.BORDERED

    def __post_init__(self) -> None:
        _check_person(self.name)


@dataclass(frozen=True)
class PersonalSealFace:
    name: str
    style: PersonalSealStyle = PersonalSealStyle.RECTANGLE

    def __post_init__(self) -> None:
        _check_person(self.name)
