"""The ASN.1 of GB/T 38540-2020 electronic seals (SES_Seal, version 4) for asn1crypto.

Field names follow the standard in snake_case (eSealInfo -> e_seal_info). In SES_ESPropertyInfo the
certList is an untagged CHOICE of two SEQUENCE OFs that DER cannot tell apart; the standard resolves it
with certListType, and so does the spec callback here."""

from __future__ import annotations

from asn1crypto import core

SES_ID = "ES"
SES_VERSION = 4
CERT_LIST_CERTS = 1  # certList holds the seal holders' DER certificates
CERT_LIST_DIGESTS = 2  # certList holds (algorithm name, digest) of those certificates
SEAL_TYPE_ORG = 1  # 单位印章
SEAL_TYPE_PERSONAL = 2  # 个人印章


class SesHeader(core.Sequence):
    _fields = [
        ("id", core.IA5String),
        ("version", core.Integer),
        ("vid", core.IA5String),  # the vendor that made the seal
    ]


class CertInfoList(core.SequenceOf):
    _child_spec = core.OctetString


class CertDigestObj(core.Sequence):
    _fields = [
        ("type", core.PrintableString),
        ("value", core.OctetString),
    ]


class CertDigestList(core.SequenceOf):
    _child_spec = CertDigestObj


class SesESPropertyInfo(core.Sequence):
    _fields = [
        ("type", core.Integer),
        ("name", core.UTF8String),
        ("cert_list_type", core.Integer),
        ("cert_list", core.Any),
        ("create_date", core.GeneralizedTime),
        ("valid_start", core.GeneralizedTime),
        ("valid_end", core.GeneralizedTime),
    ]

    def _cert_list_spec(self):
        return CertDigestList if self["cert_list_type"].native == CERT_LIST_DIGESTS else CertInfoList

    _spec_callbacks = {"cert_list": _cert_list_spec}


class SesESPictureInfo(core.Sequence):
    _fields = [
        ("type", core.IA5String),  # "PNG", "GIF", "JPG", "BMP", "SVG" or "OFD"
        ("data", core.OctetString),
        ("width", core.Integer),  # display size in millimetres
        ("height", core.Integer),
    ]


class ExtData(core.Sequence):
    _fields = [
        ("extn_id", core.ObjectIdentifier),
        ("critical", core.Boolean, {"default": False}),
        ("extn_value", core.OctetString),
    ]


class ExtensionDatas(core.SequenceOf):
    _child_spec = ExtData


class SesSealInfo(core.Sequence):
    _fields = [
        ("header", SesHeader),
        ("es_id", core.IA5String),
        ("property", SesESPropertyInfo),
        ("picture", SesESPictureInfo),
        ("ext_datas", ExtensionDatas, {"optional": True}),
    ]


class TbsSeal(core.Sequence):
    """What the seal maker signs: the seal information, its own certificate and the algorithm, as one
    DER SEQUENCE (GB/T 38540-2020 §7.1), so none of the three can be swapped after signing."""

    _fields = [
        ("e_seal_info", SesSealInfo),
        ("cert", core.OctetString),
        ("sign_alg_id", core.ObjectIdentifier),
    ]


class SesSeal(core.Sequence):
    _fields = [
        ("e_seal_info", SesSealInfo),
        ("cert", core.OctetString),  # the seal maker's DER certificate
        ("sign_alg_id", core.ObjectIdentifier),
        ("signed_value", core.OctetBitString),  # DER of the SM2 signature, whole bytes
    ]
