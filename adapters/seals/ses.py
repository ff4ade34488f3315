"""GB/T 38540 electronic seals: build an SES_Seal (version 4) signed by the seal maker's certificate, and
parse one back, refusing it unless the maker's SM2 signature verifies.

The maker signs DER(SEQUENCE{eSealInfo, cert, signAlgID}) with SM2-with-SM3 and signer ID
1234567812345678, as the standard and the OFD toolkits that read these seals do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import x509
from cryptography.hazmat.primitives import hashes

from adapters.ca.oids import CURVE_NAME, SIGNATURE_NAME, SM2_SM3, register_sm_oids
from adapters.seals.ses_asn1 import (
    CERT_LIST_CERTS,
    CERT_LIST_DIGESTS,
    SES_ID,
    SES_VERSION,
    SesSeal,
    TbsSeal,
)
from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2Backend, Sm2Error

register_sm_oids()

VENDOR_ID = "SXQ"  # Vid: who made the seal
_DIGEST_TYPE = "SM3"  # CertDigestObj.type for certListType 2


class SesSealError(ValueError):
    """Not a well-formed, maker-signed version-4 SES_Seal."""


@dataclass(frozen=True)
class SealPicture:
    data: bytes
    width_mm: int
    height_mm: int
    type: str = "PNG"


@dataclass(frozen=True)
class SesSealSpec:
    es_id: str  # the seal's code (电子印章标识)
    seal_type: int  # SEAL_TYPE_ORG or SEAL_TYPE_PERSONAL
    name: str  # e.g. 北京数信科技有限公司合同专用章
    holder_certs: Sequence[x509.Certificate]  # the certificates allowed to sign with this seal
    created: datetime
    valid_start: datetime
    valid_end: datetime
    picture: SealPicture
    vendor_id: str = VENDOR_ID
    cert_digests: bool = False  # certListType 2: SM3 digests of the holder certificates instead of copies
    ext_datas: Sequence[tuple[str, bytes, bool]] = ()  # (OID, value, critical)


@dataclass(frozen=True)
class ParsedSesSeal:
    es_id: str
    vendor_id: str
    version: int
    seal_type: int
    name: str
    cert_list_type: int
    holder_certs: tuple[bytes, ...]  # DER, when cert_list_type is 1
    holder_cert_digests: tuple[tuple[str, bytes], ...]  # (algorithm, digest), when cert_list_type is 2
    created: datetime
    valid_start: datetime
    valid_end: datetime
    picture: SealPicture
    ext_datas: tuple[tuple[str, bytes, bool], ...]
    maker_cert: x509.Certificate
    sign_alg_id: str

    def is_valid_at(self, moment: datetime) -> bool:
        return self.valid_start <= moment <= self.valid_end

    def names_holder(self, cert: x509.Certificate) -> bool:
        """Whether the seal lists this certificate as one that may sign with it."""
        if self.cert_list_type == CERT_LIST_CERTS:
            return cert.dump() in self.holder_certs
        return (_DIGEST_TYPE, _sm3(cert.dump())) in self.holder_cert_digests


def _sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("seal times must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0)


def _public_key(cert: x509.Certificate) -> bytes:
    info = cert["tbs_certificate"]["subject_public_key_info"]
    params = info["algorithm"]["parameters"]
    if info["algorithm"]["algorithm"].native != "ec" or params.name != "named" or params.chosen.native != CURVE_NAME:
        raise SesSealError("the seal maker's certificate does not hold an SM2 key")
    return bytes(info["public_key"].native)


def _cert_list(spec: SesSealSpec):
    if not spec.holder_certs:
        raise ValueError("a seal names at least one holder certificate")
    if spec.cert_digests:
        return CERT_LIST_DIGESTS, [{"type": _DIGEST_TYPE, "value": _sm3(c.dump())} for c in spec.holder_certs]
    return CERT_LIST_CERTS, [c.dump() for c in spec.holder_certs]


def build_ses_seal(spec: SesSealSpec, maker_cert: x509.Certificate, maker_private_key: bytes,
                   backend: Sm2Backend) -> bytes:
    maker_public = _public_key(maker_cert)
    if backend.public_key(maker_private_key) != maker_public:
        raise ValueError("the private key does not belong to the seal maker's certificate")
    start, end = _utc(spec.valid_start), _utc(spec.valid_end)
    if end <= start:
        raise ValueError("a seal's validity must end after it starts")
    list_type, cert_list = _cert_list(spec)
    seal_info = {
        "header": {"id": SES_ID, "version": SES_VERSION, "vid": spec.vendor_id},
        "es_id": spec.es_id,
        "property": {
            "type": spec.seal_type,
            "name": spec.name,
            "cert_list_type": list_type,
            "cert_list": cert_list,
            "create_date": _utc(spec.created),
            "valid_start": start,
            "valid_end": end,
        },
        "picture": {"type": spec.picture.type, "data": spec.picture.data,
                    "width": spec.picture.width_mm, "height": spec.picture.height_mm},
    }
    if spec.ext_datas:
        seal_info["ext_datas"] = [{"extn_id": oid, "critical": critical, "extn_value": value}
                                  for oid, value, critical in spec.ext_datas]
    tbs = TbsSeal({"e_seal_info": seal_info, "cert": maker_cert.dump(), "sign_alg_id": SM2_SM3})
    # Round-trip once so the signed bytes are exactly the DER a reader will re-assemble.
    tbs = TbsSeal.load(tbs.dump())
    signature = backend.sign(maker_private_key, tbs.dump(), signer_id=DEFAULT_SIGNER_ID, public_key=maker_public)
    return SesSeal({
        "e_seal_info": tbs["e_seal_info"],
        "cert": tbs["cert"],
        "sign_alg_id": tbs["sign_alg_id"],
        "signed_value": signature,
    }).dump()


def _verify_maker_issued_by(maker: x509.Certificate, issuer: x509.Certificate, backend: Sm2Backend) -> None:
    if maker.issuer.dump() != issuer.subject.dump():
        raise SesSealError("the seal maker's certificate was not issued by the expected CA")
    if maker["signature_algorithm"]["algorithm"].native != SIGNATURE_NAME:
        raise SesSealError("the seal maker's certificate is not signed with SM2-with-SM3")
    ok = backend.verify(_public_key(issuer), maker["tbs_certificate"].dump(), maker["signature_value"].native,
                        signer_id=DEFAULT_SIGNER_ID)
    if not ok:
        raise SesSealError("the seal maker's certificate signature does not verify")


def parse_ses_seal(der: bytes, backend: Sm2Backend, *, maker_issuer: x509.Certificate | None = None,
                   ) -> ParsedSesSeal:
    """Parses and verifies; with `maker_issuer`, also that the CA issued the maker's certificate.
    Raises SesSealError for anything else."""
    try:
        seal = SesSeal.load(der, strict=True)
        info = seal["e_seal_info"]
        header, prop, picture = info["header"], info["property"], info["picture"]
        native_prop = prop.native  # forces every field to parse now, not later in a caller
        maker = x509.Certificate.load(seal["cert"].native, strict=True)
        maker.native  # noqa: B018 - same: a malformed certificate fails here
        alg = seal["sign_alg_id"].dotted
        signature = seal["signed_value"].native
    except (ValueError, TypeError, KeyError) as exc:
        raise SesSealError(f"malformed SES_Seal: {exc}") from exc

    if header["id"].native != SES_ID or header["version"].native != SES_VERSION:
        raise SesSealError(f"not a version-{SES_VERSION} SES_Seal")
    if alg != SM2_SM3:
        raise SesSealError(f"unsupported seal signature algorithm {alg}")
    tbs = TbsSeal({"e_seal_info": info, "cert": seal["cert"], "sign_alg_id": seal["sign_alg_id"]})
    try:
        ok = backend.verify(_public_key(maker), tbs.dump(), signature, signer_id=DEFAULT_SIGNER_ID)
    except Sm2Error:
        ok = False
    if not ok:
        raise SesSealError("the seal maker's signature does not verify")
    if maker_issuer is not None:
        _verify_maker_issued_by(maker, maker_issuer, backend)

    list_type = native_prop["cert_list_type"]
    certs: tuple[bytes, ...] = ()
    digests: tuple[tuple[str, bytes], ...] = ()
    if list_type == CERT_LIST_CERTS:
        certs = tuple(native_prop["cert_list"])
    elif list_type == CERT_LIST_DIGESTS:
        digests = tuple((d["type"], d["value"]) for d in native_prop["cert_list"])
    else:
        raise SesSealError(f"unknown certListType {list_type}")
    ext = info["ext_datas"]
    return ParsedSesSeal(
        es_id=info["es_id"].native,
        vendor_id=header["vid"].native,
        version=header["version"].native,
        seal_type=native_prop["type"],
        name=native_prop["name"],
        cert_list_type=list_type,
        holder_certs=certs,
        holder_cert_digests=digests,
        created=native_prop["create_date"],
        valid_start=native_prop["valid_start"],
        valid_end=native_prop["valid_end"],
        picture=SealPicture(picture["data"].native, picture["width"].native, picture["height"].native,
                            picture["type"].native),
        ext_datas=tuple((e["extn_id"].dotted, e["extn_value"].native, bool(e["critical"].native))
                        for e in ext) if ext.native is not None else (),
        maker_cert=maker,
        sign_alg_id=alg,
    )
