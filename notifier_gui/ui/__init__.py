"""PySide6 face of the core. Thin: widgets, models, dialogs and the worker bridge."""
