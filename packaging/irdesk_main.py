"""The bundle's program: what the `irdesk` command of a pip install runs (irdesk.cli.main).

A file of its own rather than irdesk/__main__.py: PyInstaller puts the script's
folder on the search path, and irdesk/'s subpackages must not become importable
as top-level modules (`storage`, `domain`) in the bundle.
"""

import sys

from irdesk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
