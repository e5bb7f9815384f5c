"""The edits: every write to a review record, compare-and-set and audited."""
