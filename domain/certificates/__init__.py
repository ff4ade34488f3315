"""Certificates issued to accounts and enterprises, their revocation, and the certificate PIN."""
