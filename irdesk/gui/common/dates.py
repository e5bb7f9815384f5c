"""A day as Qt's date editors hold it, and back: every screen's date fields use these."""

from datetime import date

from PySide6.QtCore import QDate


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def as_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
