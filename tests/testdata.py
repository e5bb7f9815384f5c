"""Where test inputs live. Import as `from testdata import SHARED_DATA, FIXTURES`.

(A module of its own: `from conftest import …` breaks once pytest has loaded a
second conftest.py under the same module name.)
"""

from pathlib import Path

# ../shared/data beside the repository: real exports from the tools our users have.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# Small hand-made files, each folder with a README saying what was made up.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
