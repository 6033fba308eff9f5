"""Where the program loads its assets at run time (``importlib.resources``).

Built, not written: the sources live in ``resources/`` at the top of the repository and
``tools/resources.py`` compiles and places them here (dev.py, setup.py's wheel build, the
Windows build). Only this file is committed.
"""
