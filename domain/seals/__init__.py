"""Seals (印章): personal name seals, handwritten signatures and, later, organisation seals."""
