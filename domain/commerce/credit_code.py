"""Re-export: the credit code belongs to enterprises (domain/enterprises/credit_code.py); invoices use it as the
company tax number."""

from domain.enterprises.credit_code import ALPHABET, CreditCode, InvalidCreditCode, check_character

__all__ = ["ALPHABET", "CreditCode", "InvalidCreditCode", "check_character"]
