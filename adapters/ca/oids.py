"""The Chinese commercial-cryptography OIDs (GM/T 0006), registered with asn1crypto once per process.

After `register_sm_oids()`:
- `keys.NamedCurve` knows `sm2p256v1` (1.2.156.10197.1.301), used under id-ecPublicKey;
- `algos.SignedDigestAlgorithmId` knows `sm2_sm3` (1.2.156.10197.1.501), and
  `SignedDigestAlgorithm.signature_algo` / `.hash_algo` answer "sm2" / "sm3" for it
  (asn1crypto's own properties raise for algorithms they do not list);
- `algos.DigestAlgorithmId` knows `sm3` (1.2.156.10197.1.401).
"""

from __future__ import annotations

from asn1crypto import algos, cms, keys, tsp  # noqa: F401  (tsp: see register_sm_oids)

SM2_CURVE = "1.2.156.10197.1.301"
SM2_SM3 = "1.2.156.10197.1.501"
SM3 = "1.2.156.10197.1.401"
SM4_ECB = "1.2.156.10197.1.104.1"
SM2_ENCRYPTION = "1.2.156.10197.1.301.3"
ID_KP_DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36"  # RFC 9336

CURVE_NAME = "sm2p256v1"
SIGNATURE_NAME = "sm2_sm3"
DIGEST_NAME = "sm3"

_registered = False


def register_sm_oids() -> None:
    """Idempotent; safe to call from every module that parses or builds SM2 structures."""
    global _registered
    if _registered:
        return
    _complete_cms_attribute_names()
    keys.NamedCurve.register(CURVE_NAME, SM2_CURVE, 32)
    for cls, oid, name in ((algos.SignedDigestAlgorithmId, SM2_SM3, SIGNATURE_NAME),
                           (algos.DigestAlgorithmId, SM3, DIGEST_NAME)):
        cls._map[oid] = name
        if cls._reverse_map is not None:
            cls._reverse_map[name] = oid
    _patch_signed_digest_algorithm()
    _registered = True


def _complete_cms_attribute_names() -> None:
    """asn1crypto.tsp and pyhanko add CMS attribute types (signing_certificate_v2, which every PAdES signature
    carries) to cms.CMSAttributeType._map at import, but not to the name → OID map asn1crypto builds once, on the
    first CMS attribute made by name. Whichever module made one before those imports left that map without the
    names, and pyhanko's signing then failed (seen when the test order changed). Both are imported here first, and
    any name the built map lacks is added."""
    import pyhanko.sign.ades.asn1_util  # noqa: F401  (registers the CAdES attribute types)

    cls = cms.CMSAttributeType
    if cls._reverse_map is not None:
        for oid, name in cls._map.items():
            cls._reverse_map.setdefault(name, oid)


def _patch_signed_digest_algorithm() -> None:
    cls = algos.SignedDigestAlgorithm
    if getattr(cls, "_sxq_sm2_patched", False):
        return
    signature_algo, hash_algo = cls.signature_algo, cls.hash_algo

    def _signature_algo(self):
        if self["algorithm"].native == SIGNATURE_NAME:
            return "sm2"
        return signature_algo.fget(self)

    def _hash_algo(self):
        if self["algorithm"].native == SIGNATURE_NAME:
            return "sm3"
        return hash_algo.fget(self)

    cls.signature_algo = property(_signature_algo)
    cls.hash_algo = property(_hash_algo)
    cls._sxq_sm2_patched = True
