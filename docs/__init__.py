"""The user guides and the command reference, shipped with irdesk as the package irdesk.docs.

docs/ stays at the top level where readers of the repository look for it; pyproject
maps it to irdesk.docs (as resources/ is irdesk.resources), so the Help menu finds the
same Markdown through importlib.resources in a source tree and in an installed package.
"""
