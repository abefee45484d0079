"""One report with everything its pages need, computed once."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .. import model, paths
from ..findings import NOTICE, SOURCE
from ..model import Report, Template
from ..rules import ABSENT, evaluate
from . import urls
from .config import SiteConfig
from .version import report_version

STATE_ZH = {"printed": "原文", "corrected": "校正", "derived": "推算", "missing": "缺失", "absent": "未列出"}
NOT_APPLICABLE = "不适用"  # the report's format has no such figure
NOT_APPLICABLE_NOTE = "这种统计表格式没有这一项"


class ReportView:
    def __init__(self, report: Report, template: Template | None, findings: list, config: SiteConfig, crosswalk=None):
        self.config = config
        self.r = report
        self.t = template
        self.crosswalk = crosswalk
        self.id = report.id
        self.meta = report.meta
        self.stats = report.values()
        self.numbers = report.numbers()
        self.results = evaluate(template, self.numbers) if template else []
        self.source_findings = [f for f in findings if f.severity == SOURCE]
        self.notices = [f for f in findings if f.severity == NOTICE]
        self.sections = self._stat_sections()
        self.prose_sections = [p for p in report.prose if p["kind"] == "section"]
        self._lines = None
        self._version = None
        self._source_file = False  # not looked up yet

    @property
    def version(self) -> str:
        """The version of this report's data (see version.report_version)."""
        if self._version is None:
            self._version = report_version(self.r.folder)
        return self._version

    # --- paths
    def doc(self, page: str = "index") -> str:
        return urls.report(self.id, page)

    def data_path(self, resource: str) -> str:
        return paths.repo_path(self.r.resource_path(resource))

    @property
    def lines(self) -> list[str] | None:
        """The source text's lines from the cache; None when the cache does not hold the source."""
        if self._lines is None:
            self._lines = self.r.source_lines() or []
        return self._lines or None

    def source_file(self):
        """The cached source document (verified), or None; looked up once."""
        from ..sources import find

        if self._source_file is False:
            self._source_file = find(self.r.source) if self.r.source else None
        return self._source_file

    def _stat_sections(self) -> list[dict]:
        """Pages of the statistics tables: one per section of the template, with its tables."""
        return stat_sections(self.t)

    def section_of_row(self, table: str, row: str) -> dict | None:
        return section_of_row(self.sections, table, row)

    def counts(self) -> dict:
        states = defaultdict(int)
        for row in self.r.statistics:
            states[row["state"]] += 1
        status = defaultdict(int)
        for res in self.results:
            status[res.status] += 1
        return {"states": states, "rules": status, "cells": len(self.r.statistics) - states["absent"],
                "ledger": len(self.r.corrections), "source_findings": len(self.source_findings)}

    def concept(self, name: str) -> tuple[Decimal | None, str]:
        """A crosswalk figure for this report: (value, state) with state value, missing or not-applicable."""
        return concept_value(self.crosswalk, self.t, self.numbers, name)

    def concept_state(self, concept: str) -> tuple:
        """A crosswalk figure of the report: (value, state, cells), state printed, corrected or derived (when any
        of its cells is), missing or not-applicable; cells are the report's cells it sums (those its layout prints)."""
        value, state = self.concept(concept)
        if state == "not-applicable":
            return None, state, []
        cells = [c for c in self.crosswalk.cells_for(concept, self.t.id)
                 if (self.stats.get(c) or {}).get("state") not in (None, "absent")]
        if state == "missing":
            return None, "missing", cells
        states = {self.stats[c]["state"] for c in cells}
        return value, "derived" if "derived" in states else "corrected" if "corrected" in states else "printed", cells


class ReportSummary:
    """One report as the pages about many reports see it (home, indexes, agencies, comparisons, catalogue,
    downloads): its metadata, counts, rule outcomes and crosswalk figures, worked out from its full view where
    its part is built. A few kilobytes, so the top part holds every report of a large collection; the same
    answers as the full view (the site built in parts equals the site built in one piece)."""

    def __init__(self, v: ReportView):
        self.id, self.meta, self.version = v.id, v.meta, v.version
        self.template_id = v.t.id if v.t is not None else None
        self.r = _ReportFacts(v.r)
        self.results = [_Outcome(res.status) for res in v.results]
        self.source_findings, self.notices = v.source_findings, v.notices
        self._counts = v.counts()
        concepts = [c["concept"] for c in v.crosswalk.concepts] if v.crosswalk else []
        self._concepts = {c: v.concept(c) for c in concepts}
        self._states = {c: v.concept_state(c) for c in concepts}
        self._source_file = v.source_file()
        self.source_ref = v.r.source or None  # to tell, in a later build, whether the cache has it now
        self.lines = None if v.lines is None else []  # whether the source text is there (the text stays behind)
        self.t = self.crosswalk = self.config = None
        self.sections = []

    def attach(self, templates: dict, crosswalk, config: SiteConfig) -> "ReportSummary":
        """Give the summary back what is shared by every report (not carried between processes)."""
        self.t = templates.get(self.template_id) if self.template_id else None
        self.crosswalk, self.config = crosswalk, config
        self.sections = stat_sections(self.t)
        return self

    def doc(self, page: str = "index") -> str:
        return urls.report(self.id, page)

    def section_of_row(self, table: str, row: str) -> dict | None:
        return section_of_row(self.sections, table, row)

    def counts(self) -> dict:
        return self._counts

    def concept(self, name: str) -> tuple[Decimal | None, str]:
        return self._concepts.get(name, (None, "not-applicable"))

    def concept_state(self, concept: str) -> tuple:
        return self._states.get(concept, (None, "not-applicable", []))

    def source_file(self):
        return self._source_file


class _ReportFacts:
    """The parts of a report's package a summary keeps."""

    def __init__(self, r: Report):
        self.id, self.folder, self.title = r.id, r.folder, r.title
        self.descriptor, self.source, self.corrections = r.descriptor, r.source, r.corrections


class _Outcome:
    def __init__(self, status: str):
        self.status = status


def stat_sections(template: Template | None) -> list[dict]:
    """Pages of a template's statistics tables: one per section, with its tables."""
    out = []
    if template is None:
        return out
    for sec in template.sections:
        tables = template.section_tables(sec["key"])
        if tables:
            out.append({"n": sec["key"], "title": sec["label"], "tables": tables, "page": f"stats-{sec['key']}"})
    return out


def section_of_row(sections: list[dict], table: str, row: str) -> dict | None:
    for s in sections:
        if any(t["key"] == table and any(r["key"] == row for r in rows) for t, rows in s["tables"]):
            return s
    return None


def concept_value(crosswalk, template: Template | None, numbers: dict, name: str) -> tuple[Decimal | None, str]:
    cells = crosswalk.cells_for(name, template.id) if crosswalk and template else []
    if not cells:
        return None, "not-applicable"
    vals = [numbers.get(c, ABSENT) for c in cells]
    present = [v for v in vals if v is not ABSENT]
    if not present:
        return None, "not-applicable"
    if None in present:
        return None, "missing"
    return sum(present, Decimal(0)), "value"


def load_views(reports_dir, templates: dict, findings_by_report: dict, config: SiteConfig, crosswalk) -> list[ReportView]:
    views = []
    for folder in model.report_folders(reports_dir):
        report = model.load_report(folder)
        template = templates.get(report.meta["template"]) if report.meta.get("template") else None
        views.append(ReportView(report, template, findings_by_report.get(folder.name, []), config, crosswalk))
    return views
