"""Validation results kept by content, so a large collection is not checked again from scratch.

A package's findings depend on its own files, on the data its checks read (templates, crosswalk,
agency register, schemas of the same data folder), on the cached source documents its descriptor
names, and on the code. The key is a sha256 over all of these; a package whose key is unchanged
gets its stored findings back. The checks across reports (``xxgk.series``) always run: they are
cheap, and they depend on every report at once.

The store is ``validation/`` in the derived cache (``build/cache``, or XXGK_CACHE): regenerable,
never committed, safe to delete. ``XXGK_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from . import paths
from .findings import Finding

# What a package's checks read besides the package itself, relative to its data folder.
CONTEXT = ("templates", "crosswalk", "agencies", "schemas")
_SHA256 = re.compile(rb"sha256:([0-9a-f]{64})")


def enabled() -> bool:
    return os.environ.get("XXGK_NO_CACHE", "") in ("", "0")


def digest_tree(h, folder: Path) -> None:
    """Names and bytes of every file under folder, in a stable order; symbolic links by their target."""
    if not folder.exists() and not folder.is_symlink():
        h.update(b"-absent-")
        return
    for p in sorted(folder.rglob("*")) if folder.is_dir() and not folder.is_symlink() else [folder]:
        rel = p.relative_to(folder).as_posix().encode("utf-8", "surrogateescape")
        if p.is_symlink():
            h.update(b"L" + rel + b"\0" + os.readlink(p).encode("utf-8", "surrogateescape") + b"\0")
        elif p.is_file():
            data = p.read_bytes()
            h.update(b"F" + rel + b"\0" + str(len(data)).encode() + b"\0" + data)
        elif p.is_dir():
            h.update(b"D" + rel + b"\0")


@lru_cache(maxsize=1)
def code_version() -> str:
    """The validation code and its pinned dependencies."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    lock = paths.ROOT / "scripts" / "requirements.lock"
    if lock.is_file():
        h.update(lock.read_bytes())
    return h.hexdigest()


def _context(data_dir: str) -> str:
    """The digest of what the checks read besides the package; recomputed only when a file's size or
    modification time changed (a stat of a few dozen files per package, not a read)."""
    stamp = []
    for name in CONTEXT:
        folder = Path(data_dir) / name
        for p in sorted(folder.rglob("*")) if folder.is_dir() else []:
            try:
                st = p.lstat()
            except OSError:
                continue
            stamp.append((str(p), st.st_size, st.st_mtime_ns, st.st_ino))
    return _context_digest(data_dir, tuple(stamp))


@lru_cache(maxsize=16)
def _context_digest(data_dir: str, stamp: tuple) -> str:
    h = hashlib.sha256(code_version().encode())
    for name in CONTEXT:
        h.update(name.encode() + b"\0")
        digest_tree(h, Path(data_dir) / name)
    return h.hexdigest()


def _sources_fingerprint(h, folder: Path) -> None:
    """Where the cache holds each source the descriptor names, with size and modification time (a changed
    or removed cached file changes the key; its bytes are verified by the check itself)."""
    from .sources import _candidates, caches

    digests = set()
    for p in sorted(folder.glob("datapackage.*")):
        if p.is_file() and not p.is_symlink():
            digests.update(m.group(1).decode() for m in _SHA256.finditer(p.read_bytes()))
    for digest in sorted(digests):
        for cache in caches(derived=True):
            for cand in _candidates(cache, digest):
                try:
                    st = cand.stat()
                except OSError:
                    continue
                h.update(f"{cand}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))


def key(folder: Path) -> str:
    folder = Path(os.path.abspath(folder))
    h = hashlib.sha256()
    h.update(str(folder).encode("utf-8", "surrogateescape") + b"\0")
    data_dir = folder.parent.parent if folder.parent.name in ("reports", "templates", "drafts") else folder.parent
    h.update(_context(str(data_dir)).encode())
    digest_tree(h, folder)
    _sources_fingerprint(h, folder)
    return h.hexdigest()


def _path(k: str) -> Path:
    return paths.derived_cache() / "validation" / k[:2] / f"{k}.json"


def get(k: str) -> list[Finding] | None:
    try:
        data = json.loads(_path(k).read_text(encoding="utf-8"))
        return [Finding(**{f: d.get(f) for f in ("code", "file", "message", "line", "field", "expected", "found")},
                        extra=d.get("extra") or {}) for d in data]
    except (OSError, ValueError, TypeError, AttributeError):
        return None  # absent or unreadable: check again


def put(k: str, findings: list[Finding]) -> None:
    path = _path(k)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps([f.to_dict() for f in findings], ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs time
