"""The org-seal rules (§8.2): kinds, what the face says, styles, the information code and the one-of-a-kind key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import DomainError, ErrorCode
from domain.seals import org_seal as o
from domain.seals.seal import SealKind, SealStatus, SealStyle

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _seal(kind=SealKind.CONTRACT, name="合同专用章"):
    eid = uuid4()
    face = o.initial_face(kind, name, "北京数信科技有限公司", "张三")
    seal, first = o.make_org_seal(enterprise_id=eid, kind=kind, name=name, face=face, seal_admin_account_id=uuid4(),
                                  face_blob="b1", content_type="image/png", now=NOW,
                                  valid_until=NOW + timedelta(days=365))
    return eid, seal, first


def test_a_contract_seal_says_the_company_on_the_arc_and_its_kind_under_the_star():
    eid, seal, first = _seal()
    assert seal.is_org and seal.holder_account_id is None and seal.holder_enterprise_id == eid
    assert (seal.surrounding_text, seal.style, seal.info_code) == ("北京数信科技有限公司", SealStyle.CLASSIC, None)
    assert o.changed_face(seal, None, None, None).face_text == "合同专用章"
    assert first.seal_id == seal.id and first.style is SealStyle.CLASSIC
    assert seal.single_key is None  # contract seals may repeat


def test_the_official_and_legal_rep_seals_hold_a_one_per_enterprise_key_until_revoked():
    eid, seal, _ = _seal(SealKind.OFFICIAL, "公章")
    assert seal.single_key == f"{eid}:OFFICIAL"
    assert o.initial_face(SealKind.OFFICIAL, "公章", "某公司", "张三").face_text == ""
    legal = o.initial_face(SealKind.LEGAL_REP, "张三法人章", "某公司", "张三")
    assert (legal.style, legal.surrounding_text) == (SealStyle.SQUARE, "张三")
    seal.revoke(NOW)
    assert seal.status is SealStatus.REVOKED and seal.single_key is None


def test_other_seals_cut_their_own_name_and_it_must_fit():
    assert o.face_text(SealKind.OTHER, "业务专用章") == "业务专用章"
    with pytest.raises(DomainError) as e:
        o.face_text(SealKind.OTHER, "北京数信科技有限公司业务专用章")
    assert e.value.field == "name"


def test_personal_kinds_are_not_org_seal_kinds():
    with pytest.raises(DomainError) as e:
        o.check_kind(SealKind.PERSONAL_NAME)
    assert e.value.code is ErrorCode.INVALID_INPUT and e.value.field == "kind"


@pytest.mark.parametrize("code", ["123456789012", "12345678901234", "12345678901a3", "١٢٣٤٥٦٧٨٩٠١٢٣",
                                  "1234567890\u200b123"])
def test_the_information_code_is_thirteen_ascii_digits(code):
    _, seal, _ = _seal()
    with pytest.raises(DomainError) as e:
        o.changed_face(seal, None, None, code)
    assert e.value.field == "infoCode"


def test_a_full_width_information_code_is_stored_in_ascii():
    _, seal, _ = _seal()
    assert o.changed_face(seal, None, None, "１１０１０８００１２３４５").info_code == "1101080012345"


def test_a_face_change_keeps_what_is_not_given_and_an_empty_code_removes_it():
    _, seal, _ = _seal()
    face = o.changed_face(seal, SealStyle.DOUBLE_RING, None, "1101080012345")
    new = o.apply_face(seal, face, "b2", "image/png", NOW + timedelta(hours=1))
    assert (seal.image_blob_id, seal.style, seal.info_code) == ("b2", SealStyle.DOUBLE_RING, "1101080012345")
    assert seal.surrounding_text == "北京数信科技有限公司" and new.style is SealStyle.DOUBLE_RING
    assert o.changed_face(seal, None, "北京数信", "").info_code is None
    assert o.changed_face(seal, None, "北京数信", "").surrounding_text == "北京数信"


@pytest.mark.parametrize("style", [SealStyle.SQUARE, SealStyle.OVAL, SealStyle.RECTANGLE])
def test_round_seals_take_only_round_styles(style):
    _, seal, _ = _seal()
    with pytest.raises(DomainError) as e:
        o.changed_face(seal, style, None, None)
    assert e.value.field == "style"


def test_the_legal_rep_seal_is_square_without_arc_text_or_code():
    _, seal, _ = _seal(SealKind.LEGAL_REP, "张三法人章")
    assert o.changed_face(seal, SealStyle.SQUARE, None, None).surrounding_text == "张三"
    for args, field in (((SealStyle.CLASSIC, None, None), "style"), ((None, "某某", None), "surroundingText"),
                        ((None, None, "1101080012345"), "infoCode")):
        with pytest.raises(DomainError) as e:
            o.changed_face(seal, *args)
        assert e.value.field == field


def test_blank_or_long_arc_text_is_refused():
    _, seal, _ = _seal()
    for text in ("  ", "字" * 41):
        with pytest.raises(DomainError) as e:
            o.changed_face(seal, None, text, None)
        assert e.value.field == "surroundingText"
