"""Seal faces drawn with Pillow (organisation, legal representative, personal) and GB/T 38540 SES_Seal
structures signed by the CA's seal-maker certificate."""

from adapters.seals.faces import (
    LegalRepSealFace,
    OrgSealFace,
    OrgSealStyle,
    PersonalSealFace,
    PersonalSealStyle,
    SealFaceError,
    SquareSealStyle,
)
from adapters.seals.org_seal import render_org_seal
from adapters.seals.person_seals import render_legal_rep_seal, render_personal_seal, square_text
from adapters.seals.ses import (
    ParsedSesSeal,
    SealPicture,
    SesSealError,
    SesSealSpec,
    build_ses_seal,
    parse_ses_seal,
)
from adapters.seals.ses_asn1 import SEAL_TYPE_ORG, SEAL_TYPE_PERSONAL

__all__ = [
    "SEAL_TYPE_ORG", "SEAL_TYPE_PERSONAL", "LegalRepSealFace", "OrgSealFace", "OrgSealStyle", "ParsedSesSeal",
    "PersonalSealFace", "PersonalSealStyle", "SealFaceError", "SealPicture", "SesSealError", "SesSealSpec",
    "SquareSealStyle", "build_ses_seal", "parse_ses_seal", "render_legal_rep_seal", "render_org_seal",
    "render_personal_seal", "square_text",
]
