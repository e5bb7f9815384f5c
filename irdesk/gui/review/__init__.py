"""The Review tab: review record, findings, action items and feedback notes."""
