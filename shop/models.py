"""Orders arriving from the brand's store (imported or through the signed webhook)."""
