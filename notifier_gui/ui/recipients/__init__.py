"""The Recipients page: the paged table model, add/edit dialog, CSV import report, the view."""
from __future__ import annotations

from .dialog import RecipientDialog
from .import_dialog import ImportReportDialog
from .model import IdRole, RecipientsModel, SortRole
from .view import RecipientsView

__all__ = [
    "IdRole",
    "ImportReportDialog",
    "RecipientDialog",
    "RecipientsModel",
    "RecipientsView",
    "SortRole",
]
