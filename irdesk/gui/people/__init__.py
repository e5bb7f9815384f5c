"""People › Person…: one person's period, facts first, each figure leading to its incidents."""
