"""`xxgk validate`: find the packages, run every check on each, then the checks across reports.

The checks themselves live in ``xxgk.checks`` (one function per check, each
declaring its finding codes). Nothing here catches a programming error: a bug
surfaces as an internal error, never as a finding that blames the data.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import paths, vcache
from .checks import check_package
from .findings import Finding, sort_findings

# Folders whose every sub-folder must be a package: an empty or descriptor-less
# folder there is a finding, not a report that silently drops out of the site.
PACKAGE_PARENTS = ("templates", "reports", "drafts")


def validate_package(folder: str | Path) -> list[Finding]:
    return check_package(Path(os.path.abspath(folder)))


def validate_package_cached(folder: str | Path) -> list[Finding]:
    """validate_package, reusing the findings stored for the same content (``xxgk.vcache``)."""
    if not vcache.enabled():
        return validate_package(folder)
    k = vcache.key(Path(folder))
    found = vcache.get(k)
    if found is None:
        found = validate_package(folder)
        vcache.put(k, found)
    return found


def _children(parent: Path) -> list[Path]:
    return sorted(p for p in parent.iterdir() if not p.name.startswith(".") and (p.is_dir() or p.is_symlink())) \
        if parent.is_dir() else []


def discover(targets: list[str]) -> list[Path]:
    """Package folders named by the targets (a package, its descriptor, or a folder holding packages).

    With no target: data/templates/*, data/crosswalk, data/agencies, data/reports/* and data/drafts/*.
    Generated output (build/, site/, …) is never searched.
    """
    if not targets:
        found = []
        for name in PACKAGE_PARENTS:
            found += _children(paths.DATA / name)
        found += [p for p in (paths.CROSSWALK, paths.AGENCIES) if paths.find_descriptor(p)]
        return found
    found = []
    for t in targets:
        p = Path(t)
        if not p.is_absolute():
            p = Path.cwd() / p
        p = Path(os.path.normpath(p))
        if p.is_file() and not p.is_symlink():
            p = p.parent
        if p.is_symlink() or paths.find_descriptor(p) or not p.is_dir():
            found.append(p)  # a symlink or a missing path is reported by the checks
            continue
        found += _walk(p)
    return found


def _walk(folder: Path) -> list[Path]:
    out = []
    for child in _children(folder):
        if child.name in paths.NOT_DATA:
            continue
        if child.is_symlink() or paths.find_descriptor(child):
            out.append(child)
        elif folder.name in PACKAGE_PARENTS:
            out.append(child)  # a folder where a package belongs, without a descriptor
        else:
            out += _walk(child)
    return out


def validate(targets: list[str], jobs: int | None = None, series: bool = True) -> tuple[list[Finding], list[str]]:
    from .series import check_series

    folders = discover(targets)
    findings: list[Finding] = []
    todo = []
    for folder in folders:
        if not folder.exists() and not folder.is_symlink():
            findings.append(Finding("package-missing", paths.rel(folder), "路径不存在", expected="数据包文件夹", found="不存在"))
        else:
            todo.append(folder)
    jobs = jobs or min(len(todo), os.cpu_count() or 1)
    if jobs > 1 and len(todo) > 2:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(validate_package_cached, todo, chunksize=max(1, len(todo) // (jobs * 4))):
                findings += result
    else:
        for folder in todo:
            findings += validate_package_cached(folder)
    if series:
        findings += check_series(todo, findings)
    return sort_findings(findings), [paths.rel(f) for f in todo]
