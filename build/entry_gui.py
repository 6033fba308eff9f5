"""Entry script of the windowed executable (Notifier.exe). Kept tiny: the program lives in the package."""
import sys

from notifier_gui.app import main

if __name__ == "__main__":
    sys.exit(main())
