"""What the packet dialog and the packet menu entries share: file filters, and expected
failures told apart from bugs. Kept apart from the dialog so that the menu entries load
without reportlab and pyHanko, which the window does not need until a packet is made.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

PDF_FILTER = "PDF packets (*.pdf);;All files (*)"
IDENTITY_FILTER = "PKCS#12 identities (*.p12 *.pfx);;All files (*)"


@dataclass(frozen=True)
class Failure:
    """An expected problem (bad input, wrong passphrase): shown in the dialog, not the crash box."""

    message: str


EXPECTED = (LookupError, ValueError, OSError)
T = TypeVar("T")


def guarded(work: Callable[[], T]) -> T | Failure:
    try:
        return work()
    except EXPECTED as exc:
        return Failure(str(exc))
