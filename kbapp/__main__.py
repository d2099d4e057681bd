"""`python -m kbapp` runs the same entry point as the `kbapp` command."""

import sys

from kbapp.cli import main

sys.exit(main())
