"""The Recipients page: table model, search/sort proxy, add/edit dialog, CSV import report, the view."""
from __future__ import annotations

from .dialog import RecipientDialog
from .import_dialog import ImportReportDialog
from .model import IdRole, RecipientsModel, SearchRole, SortRole
from .proxy import RecipientsFilter
from .view import RecipientsView

__all__ = [
    "IdRole",
    "ImportReportDialog",
    "RecipientDialog",
    "RecipientsFilter",
    "RecipientsModel",
    "RecipientsView",
    "SearchRole",
    "SortRole",
]
