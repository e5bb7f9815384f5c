"""The desktop window: the only package that imports Qt (PySide6).

The window must show quickly, so what it imports when it starts stays light: the
storage modules (SQLAlchemy, the tables) load on the worker that opens the first
file, and the heavy screens (metrics dashboard, policy editor, packet dialog, import
dialog, with matplotlib, reportlab, pyHanko and the importers) load when first opened.
Screens name storage types under TYPE_CHECKING and import storage functions inside the
work they hand to the background tasks. tests/gui/test_startup_imports.py holds it so.
"""
