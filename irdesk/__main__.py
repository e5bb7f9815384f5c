"""`python -m irdesk` is the `irdesk` command."""

import sys

from irdesk.cli import main

sys.exit(main())
