"""Documents as PDF: Chinese letters rendered with fpdf2 in an embedded CJK font, and PAdES signatures with
SM2 (see `adapters.documents.pades`)."""

from adapters.documents.authorization_letter import (
    AuthorizationLetterData,
    RenderedLetter,
    render_authorization_letter,
    render_authorization_letter_with_boxes,
)
from adapters.documents.fonts import CjkFont, MissingCjkFontError, check_font, default_font, resolve_font
from adapters.documents.layout import SignatureBox

__all__ = [
    "AuthorizationLetterData", "CjkFont", "MissingCjkFontError", "RenderedLetter", "SignatureBox",
    "check_font", "default_font", "render_authorization_letter", "render_authorization_letter_with_boxes",
    "resolve_font",
]
