"""`python -m irdesk` is the `irdesk` command."""

import sys

from irdesk.cli.main import main

sys.exit(main())
