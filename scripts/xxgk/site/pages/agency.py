"""Pages about agencies and regions, and the coverage grid (agencies × years). To be written."""

from __future__ import annotations

from ..config import SiteConfig
from ..material import Page
from ..view import ReportView


def agency_pages(views: list[ReportView], agencies, crosswalk, config: SiteConfig) -> list[Page]:
    """One page per agency (its reports by year, its headline figures as a time series), and region pages."""
    return []


def coverage_page(views: list[ReportView], agencies, drafts: list[str], config: SiteConfig) -> list[Page]:
    """The coverage grid as a page."""
    return []


def coverage_rows(views: list[ReportView], agencies, drafts: list[str]) -> list[list[str]]:
    """The coverage grid as rows for downloads/coverage.csv (empty until written)."""
    return []
