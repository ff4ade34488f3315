"""PAdES with SM2, checked through pyhanko's own validator with our SM2 `SignatureValidator` plugged in:
a signed letter is intact, valid and trusted under our root; a flipped byte or a foreign root fails it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from cryptography.hazmat.primitives import hashes
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError

from adapters.documents import AuthorizationLetterData, render_authorization_letter_with_boxes
from adapters.documents.pades import SignatureAppearance, Sm2PdfSigner, sign_pdf, validate_pdf
from adapters.seals import OrgSealFace, render_org_seal

LETTER = AuthorizationLetterData("北京数信科技有限公司", "91110108MA01ABCD2X", "王建国", "李小明", date(2025, 3, 8))


@pytest.fixture(scope="module")
def letter():
    return render_authorization_letter_with_boxes(LETTER)


@pytest.fixture(scope="module")
def signed(pki, letter) -> bytes:
    signer = Sm2PdfSigner(pki.event.key, pki.event.cert, pki.backend, chain=[pki.issuing.cert])
    seal = render_org_seal(OrgSealFace("北京数信科技有限公司", "合同专用章", "1101080012345"))
    appearance = SignatureAppearance(lines=("签署人：王建国", "2025-03-08 10:00"), seal_png=seal)
    return sign_pdf(letter.pdf, signer, field_name="企业签章", placement=letter.enterprise_seal,
                    appearance=appearance, reason="企业认证授权", location="北京")


def test_signed_letter_is_intact_valid_and_trusted(pki, signed):
    (report,) = validate_pdf(signed, [pki.root.cert], pki.backend)
    assert (report.intact, report.valid, report.trusted) == (True, True, True)
    assert report.covers_whole_file
    assert "王建国" in report.signer_subject


def test_the_cms_is_sm2_with_sm3(signed):
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    signer_info = sig.signer_info
    assert signer_info["digest_algorithm"]["algorithm"].dotted == "1.2.156.10197.1.401"  # SM3
    assert signer_info["signature_algorithm"]["algorithm"].dotted == "1.2.156.10197.1.501"  # SM2-with-SM3
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES, not adbe.pkcs7.detached
    # signing-certificate-v2 (required by PAdES) names the signer's certificate by its SM3 digest
    (attr,) = [a for a in signer_info["signed_attrs"] if a["type"].native == "signing_certificate_v2"]
    (ess,) = attr["values"][0]["certs"]
    assert ess["hash_algorithm"]["algorithm"].dotted == "1.2.156.10197.1.401"
    digest = hashes.Hash(hashes.SM3())
    digest.update(sig.signer_cert.dump())
    assert ess["cert_hash"].native == digest.finalize()


def _images(obj, seen=None):
    """Image XObjects reachable from a resource tree."""
    seen = set() if seen is None else seen
    obj = obj.get_object()
    if id(obj) in seen or not hasattr(obj, "get"):
        return []
    seen.add(id(obj))
    found = [obj] if obj.get("/Subtype") == "/Image" else []
    resources = obj.get("/Resources")
    if resources is not None:
        for xobject in resources.get_object().get("/XObject", {}).values():
            found += _images(xobject, seen)
    return found


def test_signature_is_visible_in_the_box_as_a_transparent_image(signed, letter):
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    widget = sig.sig_field
    assert [round(float(v)) for v in widget["/Rect"]] == list(letter.enterprise_seal.box)
    images = _images(widget["/AP"]["/N"])
    assert images, "the appearance stream draws no image"
    assert any("/SMask" in image for image in images)  # alpha kept: the letter shows around the seal


def _flip(data: bytes, pos: int) -> bytes:
    return data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1:]


def test_a_flipped_byte_in_the_document_breaks_integrity(pki, signed):
    # A byte inside the letter's first content stream: covered by the signature, harmless to the parser.
    pos = signed.index(b"stream\n") + 20
    (report,) = validate_pdf(_flip(signed, pos), [pki.root.cert], pki.backend)
    assert not report.intact
    assert not report.ok


def test_a_flipped_byte_in_the_signature_value_fails(pki, signed):
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    # /Contents holds the CMS in hex; change one hex digit inside the SM2 signature's r.
    pos = signed.lower().index(sig.signer_info["signature"].native.hex().encode()) + 10
    digit = b"1" if signed[pos:pos + 1] == b"0" else b"0"
    (report,) = validate_pdf(signed[:pos] + digit + signed[pos + 1:], [pki.root.cert], pki.backend)
    assert not report.valid and not report.ok


def test_a_foreign_root_does_not_trust_it(pki, signed):
    (report,) = validate_pdf(signed, [pki.foreign_root.cert], pki.backend)
    assert report.intact and report.valid  # the mathematics still hold ...
    assert not report.trusted and not report.ok  # ... but nobody we trust vouches for the signer


def test_a_chain_certificate_with_a_broken_signature_breaks_trust(pki, signed):
    """The issuing CA's certificate travels inside the CMS; spoil its SM2 signature and the path to our
    root no longer holds. Proves certificate signatures go through the SM2 validator too."""
    needle = pki.issuing.cert["signature_value"].native.hex().encode()
    pos = signed.lower().index(needle) + 12
    digit = b"1" if signed[pos:pos + 1] == b"0" else b"0"
    (report,) = validate_pdf(signed[:pos] + digit + signed[pos + 1:], [pki.root.cert], pki.backend)
    assert report.intact and report.valid  # the document and the signer's own signature are untouched
    assert not report.trusted


def test_second_signature_leaves_the_first_intact(pki, letter, signed):
    signer = Sm2PdfSigner(pki.org.key, pki.org.cert, pki.backend, chain=[pki.issuing.cert])
    twice = sign_pdf(signed, signer, field_name="法定代表人签章", placement=letter.legal_rep_seal,
                     appearance=SignatureAppearance(lines=("法定代表人", "王建国")))
    first, second = validate_pdf(twice, [pki.root.cert], pki.backend)
    assert first.ok and second.ok
    assert not first.covers_whole_file and second.covers_whole_file


def test_invisible_signature(pki, letter):
    signer = Sm2PdfSigner(pki.event.key, pki.event.cert, pki.backend, chain=[pki.issuing.cert])
    (report,) = validate_pdf(sign_pdf(letter.pdf, signer), [pki.root.cert], pki.backend)
    assert report.ok


def test_a_key_that_is_not_the_certificates_is_refused(pki):
    with pytest.raises(SigningError):
        Sm2PdfSigner(pki.org.key, pki.event.cert, pki.backend)
