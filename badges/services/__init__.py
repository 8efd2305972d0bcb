"""Writes of the badges engine: the ledger (``ledger``) and what follows from it (``awards``)."""
