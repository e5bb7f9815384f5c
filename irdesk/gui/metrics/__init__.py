"""The metrics dashboard and the policy editor."""
