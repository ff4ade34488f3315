"""GB/T 38540 SES_Seal v4: the DER is checked field by field against the standard's layout (read back with
a generic ASN.1 reader, not our own classes), the maker's signature is checked independently (our backend
and the OpenSSL CLI), and any tampering makes `parse_ses_seal` refuse the seal."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import core, parser, x509

from adapters.seals import (
    SEAL_TYPE_ORG,
    OrgSealFace,
    SealPicture,
    SesSealError,
    SesSealSpec,
    build_ses_seal,
    parse_ses_seal,
    render_org_seal,
)
from adapters.seals.ses_asn1 import SesSeal

SM2_SM3 = "1.2.156.10197.1.501"
START = datetime(2025, 3, 8, 2, 0, tzinfo=UTC)
INFO_CODE_OID = "1.2.156.112562.1.1"  # an extension for the test only


@pytest.fixture(scope="module")
def picture() -> bytes:
    return render_org_seal(OrgSealFace("北京数信科技有限公司", "合同专用章", "1101080012345"))


def _spec(pki, picture: bytes, **changes) -> SesSealSpec:
    values = dict(es_id="11010800000001", seal_type=SEAL_TYPE_ORG, name="北京数信科技有限公司合同专用章",
                  holder_certs=[pki.org.cert], created=START, valid_start=START,
                  valid_end=START + timedelta(days=365 * 3), picture=SealPicture(picture, 42, 42),
                  ext_datas=[(INFO_CODE_OID, b"1101080012345", False)])
    values.update(changes)
    return SesSealSpec(**values)


@pytest.fixture(scope="module")
def seal_der(pki, picture) -> bytes:
    return build_ses_seal(_spec(pki, picture), pki.seal_maker.cert, pki.seal_maker.key, pki.backend)


def _children(der: bytes) -> list[core.Asn1Value]:
    """The elements of a constructed value, each typed only by its own tag (asn1crypto's generic `load`)."""
    contents = parser.parse(der, strict=True)[4]
    children = []
    while contents:
        n = parser.peek(contents)
        children.append(core.load(contents[:n], strict=True))
        contents = contents[n:]
    return children


def test_structure_field_by_field(pki, picture, seal_der):
    seal_info, cert, alg, signed_value = _children(seal_der)
    assert (type(seal_info), type(cert), type(alg), type(signed_value)) == (
        core.Sequence, core.OctetString, core.ObjectIdentifier, core.BitString)
    assert x509.Certificate.load(cert.native).dump() == pki.seal_maker.cert.dump()
    assert alg.dotted == SM2_SM3

    header, es_id, prop, pic, ext_datas = _children(seal_info.dump())
    assert [(type(v), v.native) for v in _children(header.dump())] == [
        (core.IA5String, "ES"), (core.Integer, 4), (core.IA5String, "SXQ")]
    assert (type(es_id), es_id.native) == (core.IA5String, "11010800000001")

    p_type, p_name, p_list_type, p_list, p_created, p_start, p_end = _children(prop.dump())
    assert (type(p_type), p_type.native) == (core.Integer, SEAL_TYPE_ORG)
    assert (type(p_name), p_name.native) == (core.UTF8String, "北京数信科技有限公司合同专用章")
    assert (type(p_list_type), p_list_type.native) == (core.Integer, 1)
    (holder,) = _children(p_list.dump())
    assert type(holder) is core.OctetString and holder.native == pki.org.cert.dump()
    for field, expected in ((p_created, START), (p_start, START), (p_end, START + timedelta(days=365 * 3))):
        # GeneralizedTime in version 4 (version 2 used UTCTime)
        assert (type(field), field.native) == (core.GeneralizedTime, expected)

    assert [(type(v), v.native) for v in _children(pic.dump())] == [
        (core.IA5String, "PNG"), (core.OctetString, picture), (core.Integer, 42), (core.Integer, 42)]
    assert picture.startswith(b"\x89PNG")

    (ext,) = _children(ext_datas.dump())
    # critical FALSE is the DEFAULT, so DER leaves it out
    assert [(type(v), v.native) for v in _children(ext.dump())] == [
        (core.ObjectIdentifier, INFO_CODE_OID), (core.OctetString, b"1101080012345")]


def _tbs(seal_der: bytes) -> tuple[bytes, bytes]:
    """DER(SEQUENCE{eSealInfo, cert, signAlgID}) assembled by hand, and the signature."""
    seal_info, cert, alg, signed_value = _children(seal_der)
    body = seal_info.dump() + cert.dump() + alg.dump()
    return core.Sequence(contents=body).dump(), core.OctetBitString.load(signed_value.dump()).native


def test_signature_is_the_makers_over_info_cert_and_algorithm(pki, seal_der):
    tbs, signature = _tbs(seal_der)
    maker_key = bytes(pki.seal_maker.cert.public_key["public_key"].native)
    assert pki.backend.verify(maker_key, tbs, signature)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the OpenSSL CLI")
def test_openssl_verifies_the_makers_signature(pki, seal_der, tmp_path):
    from adapters.crypto.sm2 import public_key_to_pem

    tbs, signature = _tbs(seal_der)
    (tmp_path / "tbs.der").write_bytes(tbs)
    (tmp_path / "sig.der").write_bytes(signature)
    (tmp_path / "maker.pem").write_text(
        public_key_to_pem(bytes(pki.seal_maker.cert.public_key["public_key"].native)))
    result = subprocess.run(
        ["openssl", "dgst", "-sm3", "-verify", "maker.pem", "-sigopt", "distid:1234567812345678",
         "-signature", "sig.der", "tbs.der"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and "Verified OK" in result.stdout, result.stderr


def test_parse_returns_what_was_built(pki, picture, seal_der):
    parsed = parse_ses_seal(seal_der, pki.backend, maker_issuer=pki.issuing.cert)
    assert (parsed.es_id, parsed.vendor_id, parsed.version) == ("11010800000001", "SXQ", 4)
    assert (parsed.seal_type, parsed.name) == (SEAL_TYPE_ORG, "北京数信科技有限公司合同专用章")
    assert parsed.holder_certs == (pki.org.cert.dump(),) and parsed.names_holder(pki.org.cert)
    assert not parsed.names_holder(pki.event.cert)
    assert parsed.picture == SealPicture(picture, 42, 42, "PNG")
    assert (parsed.created, parsed.valid_start) == (START, START)
    assert parsed.is_valid_at(START + timedelta(days=1)) and not parsed.is_valid_at(START + timedelta(days=2000))
    assert parsed.ext_datas == ((INFO_CODE_OID, b"1101080012345", False),)
    assert parsed.maker_cert.dump() == pki.seal_maker.cert.dump() and parsed.sign_alg_id == SM2_SM3


def test_certificate_digest_list_variant(pki, picture):
    der = build_ses_seal(_spec(pki, picture, cert_digests=True, ext_datas=()), pki.seal_maker.cert,
                         pki.seal_maker.key, pki.backend)
    parsed = parse_ses_seal(der, pki.backend)
    assert parsed.cert_list_type == 2 and parsed.holder_certs == ()
    (digest,) = parsed.holder_cert_digests
    assert digest[0] == "SM3" and len(digest[1]) == 32
    assert parsed.names_holder(pki.org.cert) and not parsed.names_holder(pki.event.cert)
    assert parsed.ext_datas == ()


def _edit(seal_der: bytes, **fields) -> bytes:
    """Re-encodes the seal with some fields replaced, keeping the original signature."""
    seal = SesSeal.load(seal_der)
    info = seal["e_seal_info"].native
    for path, value in fields.items():
        node = info
        *parents, leaf = path.split("__")
        for name in parents:
            node = node[name]
        node[leaf] = value
    return SesSeal({"e_seal_info": info, "cert": seal["cert"].native, "sign_alg_id": seal["sign_alg_id"].native,
                    "signed_value": seal["signed_value"].native}).dump()


@pytest.mark.parametrize("change", [
    {"property__name": "北京数信科技有限公司财务专用章"},
    {"property__valid_end": START + timedelta(days=365 * 30)},
    {"es_id": "11010800000002"},
    {"picture__width": 60},
])
def test_a_changed_field_is_refused(pki, seal_der, change):
    with pytest.raises(SesSealError, match="signature"):
        parse_ses_seal(_edit(seal_der, **change), pki.backend)


def test_a_flipped_picture_byte_is_refused(pki, picture, seal_der):
    pos = seal_der.index(picture) + len(picture) // 2
    with pytest.raises(SesSealError):
        parse_ses_seal(seal_der[:pos] + bytes([seal_der[pos] ^ 0x01]) + seal_der[pos + 1:], pki.backend)


def test_another_makers_certificate_is_refused(pki, seal_der):
    seal = SesSeal.load(seal_der)
    swapped = SesSeal({"e_seal_info": seal["e_seal_info"], "cert": pki.org.cert.dump(),
                       "sign_alg_id": seal["sign_alg_id"], "signed_value": seal["signed_value"].native}).dump()
    with pytest.raises(SesSealError, match="signature"):
        parse_ses_seal(swapped, pki.backend)


def test_a_maker_not_issued_by_the_expected_ca_is_refused(pki, seal_der):
    with pytest.raises(SesSealError, match="not issued"):
        parse_ses_seal(seal_der, pki.backend, maker_issuer=pki.foreign_root.cert)


def test_a_seal_signed_by_a_key_that_is_not_the_makers_is_refused(pki, picture, seal_der):
    # Built with a valid-looking structure but signed by the holder's key, claiming the maker's cert.
    from adapters.seals.ses_asn1 import TbsSeal

    seal = SesSeal.load(seal_der)
    tbs = TbsSeal({"e_seal_info": seal["e_seal_info"], "cert": seal["cert"], "sign_alg_id": seal["sign_alg_id"]})
    forged = SesSeal({"e_seal_info": seal["e_seal_info"], "cert": seal["cert"], "sign_alg_id": seal["sign_alg_id"],
                      "signed_value": pki.backend.sign(pki.org.key, tbs.dump())}).dump()
    with pytest.raises(SesSealError, match="signature"):
        parse_ses_seal(forged, pki.backend)


@pytest.mark.parametrize("garbage", [b"", b"\x30\x03\x02\x01\x04", b"not DER at all"])
def test_garbage_is_refused(pki, garbage):
    with pytest.raises(SesSealError):
        parse_ses_seal(garbage, pki.backend)


def test_trailing_bytes_are_refused(pki, seal_der):
    with pytest.raises(SesSealError):
        parse_ses_seal(seal_der + b"\x00", pki.backend)


def test_version_must_be_4(pki, seal_der):
    with pytest.raises(SesSealError):
        parse_ses_seal(_edit(seal_der, header__version=2), pki.backend)


def test_building_refuses_a_key_that_is_not_the_makers(pki, picture):
    with pytest.raises(ValueError):
        build_ses_seal(_spec(pki, picture), pki.seal_maker.cert, pki.org.key, pki.backend)
