"""Entry script of the console executable (notifier-cli.exe)."""
import sys

from notifier_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
