"""Use cases around certificates: issuing dual pairs, the certificate PIN, revocation."""
