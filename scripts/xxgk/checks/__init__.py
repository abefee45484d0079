"""The checks `xxgk validate` runs, each declaring the finding codes it can emit.

As in frictionless-py, a check is a small unit with a stable list of codes: a
function decorated with :func:`check`, which yields :class:`~xxgk.findings.Finding`
objects and never raises on bad data. Emitting a code a check did not declare
is a bug (``UndeclaredCode``), which surfaces as an internal error. A test
asserts that every declared code has a broken fixture that triggers it.

Checks run in stages for one package folder:

1. ``package``: the descriptor, its profile and the files it lists (always);
2. ``content``: the meaning of the data, by the package's kind (only when
   stage 1 found no error, so content checks can trust the structure).

Checks across packages (a series of one agency's reports) run in
``xxgk.series`` after every package has been checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .. import model, paths
from ..findings import CODES, ERROR, Finding, UndeclaredCode
from ..profiles import Profile


@dataclass
class Check:
    name: str
    stage: str  # package | content
    kinds: tuple[str, ...]  # package kinds it applies to
    codes: tuple[str, ...]
    run: Callable[["Context"], Iterable[Finding]]


REGISTRY: list[Check] = []


def check(*codes: str, stage: str = "content", kinds: tuple[str, ...] = ("report",)):
    """Register a check that can emit these codes."""
    unknown = [c for c in codes if c not in CODES]
    if unknown:
        raise ValueError(f"unknown codes {unknown}")

    def wrap(fn):
        REGISTRY.append(Check(fn.__name__, stage, kinds, codes, fn))
        return fn

    return wrap


def load_all() -> list[Check]:
    """Import every module that registers checks; return the registry."""
    from .. import series  # noqa: F401
    from . import agencies, content, crosswalk, package, prose, template  # noqa: F401

    return REGISTRY


def declared_codes() -> set[str]:
    return {c for chk in load_all() for c in chk.codes}


@dataclass
class Context:
    """One package being checked, with what the checks need loaded once, lazily."""

    folder: Path
    desc_path: Path | None = None
    descriptor: dict | None = None
    profile: Profile | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        return self.profile.kind if self.profile else None

    def file(self, name: str) -> str:
        return paths.rel(self.folder / name)

    def resource_file(self, resource: str) -> str:
        return paths.rel(self.folder / model.resources_by_name(self.descriptor)[resource]["path"])

    @cached_property
    def report(self) -> model.Report:
        return model.load_report(self.folder)

    @cached_property
    def template(self) -> model.Template | None:
        tid = self.report.meta.get("template") if self.report.meta_rows else None
        if not tid:
            return None
        return model.template_by_id(tid, str(model.templates_dir_for(self.folder, tid)))

    @cached_property
    def source_text(self):
        from ..sources import text_of

        return text_of(self.descriptor)

    @cached_property
    def lines(self) -> list[str] | None:
        return self.source_text.lines


def _run(chk: Check, ctx: Context) -> list[Finding]:
    out = list(chk.run(ctx))
    for f in out:
        if f.code not in chk.codes:
            raise UndeclaredCode(f"check {chk.name} emitted undeclared code {f.code}")
    return out


# Cap per package and code: a broken file must not produce a million findings.
PER_CODE_LIMIT = 200


def _cap(findings: list[Finding]) -> list[Finding]:
    kept, counts = [], {}
    for f in findings:
        k = (f.code, f.file)
        counts[k] = counts.get(k, 0) + 1
        if counts[k] <= PER_CODE_LIMIT:
            kept.append(f)
    for (code, file), n in counts.items():
        if n > PER_CODE_LIMIT:
            kept.append(Finding(code, file, f"同一文件还有 {n - PER_CODE_LIMIT} 处同类问题，没有逐条列出",
                                extra={"omitted": n - PER_CODE_LIMIT}))
    return kept


def check_package(folder: Path) -> list[Finding]:
    """Every check that applies to one package folder, in stages."""
    load_all()
    ctx = Context(folder)
    findings: list[Finding] = []
    for stage in ("package", "content"):
        for chk in REGISTRY:
            if chk.stage != stage:
                continue
            if stage == "content" and ctx.kind not in chk.kinds:
                continue
            found = _run(chk, ctx)
            findings += found
            if stage == "package" and any(f.severity == ERROR for f in found) and chk.name == "descriptor":
                return _cap(findings)  # nothing else can be read without a descriptor
        if any(f.severity == ERROR for f in findings):
            break
    return _cap(findings)
