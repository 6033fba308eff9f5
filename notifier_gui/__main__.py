"""``python -m notifier_gui`` starts the window."""
import sys

from notifier_gui.app import main

sys.exit(main())
