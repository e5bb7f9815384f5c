"""Icons, fonts and screenshots shipped with irdesk (installed as irdesk.resources)."""
