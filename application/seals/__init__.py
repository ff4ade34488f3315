"""Use cases around seals: personal name seals, handwritten signatures, faces, revocation, export."""
