"""The certificate authority: SM2 certificates, profiles, CRL, OCSP, the CA hierarchy and the key vault."""
