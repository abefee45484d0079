"""The source cache: source documents kept outside git, found by their sha256.

A package's descriptor records each source (``sources``: the document, and for
a PDF or web page the text extracted from it) with its bytes and sha256. The
files live in a content-addressed cache, never in the repository:

* the cache is ``XXGK_SOURCES``, else ``sources/`` at the root, else this
  workplace's shared folder ``../shared/sources`` (see ``paths.source_cache``);
* a file is found under ``sha256/<first two hex>/<hex>.<ext>`` (the layout
  ``xxgk sources add`` writes), or through a ``manifest.csv`` at the cache's
  root with ``file`` and ``sha256`` columns (the layout of a folder of
  documents collected by hand);
* every file found is hashed before use: a file whose bytes differ is never used;
* text extracted from a source (``source_text``) that the cache lacks is
  extracted again with the reader that made it, checked against its recorded
  sha256, and kept in build/cache/ (XXGK_CACHE) for next time (never in the source cache).

When a source is not in the cache, every check and page that needs it says so.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths

EXTENSIONS = {"pdf": ".pdf", "html": ".html", "txt": ".txt"}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hex_of(entry: dict) -> str:
    return str(entry.get("hash", "")).removeprefix("sha256:")


@lru_cache(maxsize=None)
def _manifest(cache: str) -> dict[str, Path]:
    """sha256 -> file, from the cache's manifest.csv (if any)."""
    out: dict[str, Path] = {}
    manifest = Path(cache) / "manifest.csv"
    if not manifest.is_file():
        return out
    with manifest.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            digest, name = (row.get("sha256") or "").strip().lower(), (row.get("file") or "").strip()
            if len(digest) == 64 and name and ".." not in Path(name).parts and not Path(name).is_absolute():
                out.setdefault(digest, Path(cache) / name)
    return out


@lru_cache(maxsize=4096)
def _verified(path: str, size: int, mtime: float, digest: str) -> bool:
    return sha256_of(Path(path)) == digest


def _check(path: Path, digest: str) -> bool:
    if not path.is_file() or path.is_symlink():
        return False
    st = path.stat()
    return _verified(str(path), st.st_size, st.st_mtime, digest)


def _candidates(cache: Path, digest: str) -> list[Path]:
    folder = cache / "sha256" / digest[:2]
    found = sorted(folder.glob(f"{digest}.*")) if folder.is_dir() else []
    if digest in _manifest(str(cache)):
        found.append(_manifest(str(cache))[digest])
    return found


def caches(derived: bool = False) -> list[Path]:
    """Where to look: the source cache (and our own), plus the cache of extracted texts when derived."""
    out = []
    for c in [*paths.source_caches(), paths.own_cache()] + ([paths.derived_cache()] if derived else []):
        if c is not None and c.is_dir() and c not in out:
            out.append(c)
    return out


def locate(entry_or_digest: dict | str) -> tuple[Path | None, str]:
    """(file, "") when the cache holds these bytes; (file, "mismatch") when it holds a file
    under this sha256 whose bytes differ; (None, "absent") otherwise."""
    digest = entry_or_digest if isinstance(entry_or_digest, str) else hex_of(entry_or_digest)
    derived = isinstance(entry_or_digest, dict) and entry_or_digest.get("name") == "source_text"
    if len(digest) != 64:
        return None, "absent"
    bad = None
    for cache in caches(derived):
        for path in _candidates(cache, digest):
            if _check(path, digest):
                return path, ""
            if path.is_file():
                bad = bad or path
    return (bad, "mismatch") if bad else (None, "absent")


def find(entry_or_digest: dict | str) -> Path | None:
    """The cached file with this sha256 (verified), or None."""
    return locate(entry_or_digest)[0] if locate(entry_or_digest)[1] == "" else None


def add(path: Path, fmt: str | None = None) -> tuple[str, Path]:
    """Copy a file into the writable cache under its sha256; return (hex, cached path)."""
    digest = sha256_of(path)
    ext = EXTENSIONS.get(fmt or "", path.suffix.lower() or ".bin")
    target = paths.own_cache() / "sha256" / digest[:2] / f"{digest}{ext}"
    if not _check(target, digest):
        _write_atomically(target, lambda tmp: shutil.copyfile(path, tmp))
    return digest, target


def _write_atomically(target: Path, write) -> None:
    """Write through a temporary file of its own beside target, then rename: processes caching the same bytes
    at once never see (or remove) each other's half-written file."""
    import os
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _store_text(text: str) -> tuple[str, Path]:
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    target = paths.derived_cache() / "sha256" / digest[:2] / f"{digest}.txt"
    if not _check(target, digest):
        _write_atomically(target, lambda tmp: tmp.write_bytes(data))
    return digest, target


@dataclass
class TextResult:
    lines: list[str] | None
    path: Path | None
    problem: str = ""  # why there is no text ("absent" or "mismatch")
    detail: str = ""


def extract_text(source_file: Path, kind: str) -> str:
    """The text a reader extracts from a source file (the same reader the importer uses)."""
    from .importer.readers import read

    reader_kind = {"pdf-text": "pdf-text", "pdf-scan": "pdf-scan", "html": "html"}.get(kind)
    return read(source_file, reader_kind).text


def text_of(descriptor: dict) -> TextResult:
    """The lines of a package's source text, from the cache or extracted again from its source."""
    from .model import sources_by_name

    srcs = sources_by_name(descriptor)
    entry = srcs.get("source_text") or srcs.get("source")
    if not entry:
        return TextResult(None, None, "absent", "描述文件没有记录原始文件")
    found = find(entry)
    if found is None and "source_text" in srcs and srcs.get("source"):
        original = find(srcs["source"])
        if original is not None:
            text = extract_text(original, srcs["source"].get("kind", ""))
            digest, stored = _store_text(text)
            if digest != hex_of(entry):
                return TextResult(None, None, "mismatch", f"sha256:{digest}")
            found = stored
    if found is None:
        return TextResult(None, None, "absent", hex_of(entry))
    encoding = entry.get("encoding", "utf-8")
    return TextResult(found.read_bytes().decode(encoding).split("\n"), found)


def text_lines(report) -> list[str] | None:
    return text_of(report.descriptor).lines


def status(folders: list[Path]) -> list[dict]:
    """What each package needs from the cache, and whether the cache has it unchanged."""
    from . import model

    out = []
    for folder in folders:
        desc = paths.find_descriptor(folder)
        if desc is None:
            continue
        try:
            descriptor = model.load_descriptor(desc)
        except model.DescriptorError:
            continue
        for entry in model.sources_by_name(descriptor).values():
            path, problem = locate(entry)
            if entry.get("name") == "source_text" and problem == "absent":
                result = text_of(descriptor)
                path, problem = (result.path, "") if result.lines is not None else (None, result.problem)
                state = "extracted" if not problem else problem
            else:
                state = "ok" if not problem else problem
            out.append({"package": paths.rel(folder), "name": entry.get("name"), "hash": entry.get("hash"),
                        "bytes": entry.get("bytes"), "url": entry.get("path", ""), "state": state,
                        "file": paths.rel(path) if path else ""})
    return out
