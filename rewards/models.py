"""The spending side of the loyalty programme: the rewards catalogue and redemptions."""
