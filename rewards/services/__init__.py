"""Writes of the rewards app: redemptions (``redemption``), staff fulfilment
(``fulfilment``), code pools (``codes``) and early access (``access``)."""
