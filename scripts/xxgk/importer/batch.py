"""`xxgk import --batch MANIFEST.csv`: import many sources on a Dask cluster, resumably.

* Load inputs: the manifest, a CSV with the columns ``source`` (a path, relative
  to the manifest's folder, or an http(s) URL), ``id``, ``template`` (optional),
  ``agency``, ``region_code``, ``region`` and ``url``. A manifest that cannot be
  used as a whole (no such columns, an item without source or id, an id twice)
  stops before anything runs; everything else is decided item by item.
* Process data: each item is one task on dask.distributed: a LocalCluster on this
  machine by default (one worker process per core, one thread each: OCR is
  CPU-bound), or an existing cluster (``--scheduler ADDRESS``; its workers must
  see the same paths). A task downloads a URL source into the source cache with
  the standard library, then runs ``import_report``. It never raises: a typed
  error (a ``UserError``: broken PDF, missing file, bad id…) is recorded with its
  message, anything else as an internal error with its exception type; a worker
  that dies is recorded the same way. One failure never stops the batch.
* Save outputs: the drafts, where ``xxgk import`` puts them (data/drafts/, or
  ``--out``), and ``<manifest stem>.results.csv`` beside them: one row per item,
  appended as soon as the item ends, so a killed batch loses nothing. Run the
  same command again and it skips the items whose draft exists; the others
  (failed or never reached) run again.

A progress line on stderr while it runs; a summary at the end: outcomes, and
seconds per report and per page by kind of source.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..model import UserError

MANIFEST_FIELDS = ("source", "id", "template", "agency", "region_code", "region", "url")
REQUIRED = ("source", "id")
RESULT_FIELDS = ("id", "source", "outcome", "error_type", "message", "draft", "kind", "template", "pages", "seconds",
                 "cpu_seconds", "review", "worker", "finished")
DRAFT, SKIPPED, ERROR, INTERNAL = "draft", "skipped", "error", "internal"
OUTCOME_ZH = {DRAFT: "已生成草稿", SKIPPED: "跳过（草稿已存在）", ERROR: "错误（原始文件或参数的问题）",
              INTERNAL: "内部错误（程序缺陷）"}
DOWNLOAD_LIMIT = 200 * 2**20  # bytes; a larger download is refused (an annual report is a few MB)
DOWNLOAD_TIMEOUT = 120  # seconds without data


@dataclass
class Item:
    line: int  # line of the manifest
    source: str
    id: str
    template: str = ""
    agency: str = ""
    region_code: str = ""
    region: str = ""
    url: str = ""

    @property
    def is_url(self) -> bool:
        return self.source.lower().startswith(("http://", "https://"))


def read_manifest(path: Path) -> list[Item]:
    """The items of a manifest; a UserError that lists every problem when it cannot be used."""
    if not path.is_file():
        raise UserError(f"找不到清单文件 {path}")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"清单 {path} 不是 UTF-8 文本：请另存为 UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        raise UserError(f"清单 {path} 缺少列 {'、'.join(missing)}；列名应为 {','.join(MANIFEST_FIELDS)}（template 可省略）")
    unknown = [h for h in header if h not in MANIFEST_FIELDS]
    if unknown:
        raise UserError(f"清单 {path} 有不认识的列 {'、'.join(unknown)}；可用的列：{','.join(MANIFEST_FIELDS)}")
    items, problems, seen = [], [], {}
    for raw in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        item = Item(reader.line_num, **{f: row.get(f, "") for f in MANIFEST_FIELDS})
        if not item.source or not item.id:
            problems.append(f"第 {item.line} 行缺少 {'source' if not item.source else 'id'}")
        elif item.id in seen:
            problems.append(f"第 {item.line} 行的 id {item.id} 与第 {seen[item.id]} 行重复（一个 id 是一个草稿文件夹）")
        else:
            seen[item.id] = item.line
        items.append(item)
    if problems:
        raise UserError(f"清单 {path} 不能使用：" + "；".join(problems[:20]) + ("……" if len(problems) > 20 else ""))
    if not items:
        raise UserError(f"清单 {path} 没有任何条目")
    return items


# --- one item, on a worker ----------------------------------------------------------------------------


def download(url: str) -> Path:
    """Fetch url (standard library only) into the source cache, under its sha256; the cached file."""
    cache = paths.own_cache()
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=cache)
    try:
        with os.fdopen(fd, "wb") as fh, urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as resp:
            size = 0
            while chunk := resp.read(1 << 20):
                size += len(chunk)
                if size > DOWNLOAD_LIMIT:
                    raise UserError(f"{url} 超过 {DOWNLOAD_LIMIT // 2**20} MB，没有下载完：年报通常只有几 MB，请检查网址")
                fh.write(chunk)
        cached = cache_source(Path(tmp))
        if cached is None:
            raise UserError(f"从 {url} 下载的内容不是 PDF、网页或文本（{size} 字节）")
        return cached
    except OSError as exc:  # urllib's URLError and HTTPError are OSErrors
        raise UserError(f"无法下载 {url}：{getattr(exc, 'reason', None) or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cache_source(path: Path) -> Path | None:
    """Put a source into the source cache before the importer does, under the name the importer gives it
    (``sources.add`` writes through a temporary file of its own, so workers holding the same bytes at once
    do not collide). None when the file cannot be read as a source: the importer then says why."""
    from ..sources import add
    from .readers import SourceError, sniff

    try:
        data = path.read_bytes()
        # as draft.source_entry names it: any PDF .pdf (no need to open it to tell text layer from scan)
        fmt = "pdf" if data[:1024].find(b"%PDF-") >= 0 else {"html": "html"}.get(sniff(path, data), "txt")
    except (OSError, SourceError):
        return None
    return add(path, fmt)[1]


def _worker_name() -> str:
    try:
        from dask.distributed import get_worker

        return str(get_worker().name)
    except (ImportError, ValueError):
        return ""


def run_item(item: Item, out_dir: str, manifest_dir: str) -> dict:
    """Import one item; an outcome row, never an exception."""
    from . import import_report  # looked up at call time, so a test can replace it

    started, cpu = time.perf_counter(), time.process_time()
    row = {"id": item.id, "source": item.source, "worker": _worker_name()}
    try:
        if item.is_url:
            source = download(item.source)
            url = item.url or item.source
        else:
            source = Path(item.source)
            source = source if source.is_absolute() else Path(manifest_dir) / source
            url = item.url
            cache_source(source)
        result = import_report(source, item.id, Path(out_dir), template_id=item.template or None, agency=item.agency,
                               region_code=item.region_code, region=item.region, url=url)
        row |= {"outcome": DRAFT, "draft": paths.rel(result.folder), "kind": result.kind,
                "template": result.template.id if result.template else "", "pages": result.pages or "",
                "review": len(result.review)}
    except UserError as exc:
        row |= {"outcome": ERROR, "error_type": type(exc).__name__, "message": str(exc)}
    except Exception as exc:  # a bug: recorded with its type, the batch goes on
        row |= {"outcome": INTERNAL, "error_type": type(exc).__name__, "message": str(exc)[:500]}
    row["seconds"] = f"{time.perf_counter() - started:.2f}"
    row["cpu_seconds"] = f"{time.process_time() - cpu:.2f}"  # the worker process's CPU time (all its threads)
    return row


# --- the results file -----------------------------------------------------------------------------------


def results_path(manifest: Path, out_dir: Path) -> Path:
    return out_dir / f"{manifest.stem}.results.csv"


def read_results(path: Path) -> dict[str, dict]:
    """id -> its latest recorded outcome."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh) if r.get("id")}


class ResultsLog:
    """Appends one row per finished item (flushed at once); rewritten in manifest order at the end."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.is_file() or path.stat().st_size == 0
        self.fh = path.open("a", encoding="utf-8", newline="")
        self.writer = csv.DictWriter(self.fh, RESULT_FIELDS, extrasaction="ignore", lineterminator="\n")
        if new:
            self.writer.writeheader()

    def add(self, row: dict) -> None:
        row = {k: row.get(k, "") for k in RESULT_FIELDS} | {"finished": dt.datetime.now().isoformat(timespec="seconds")}
        self.writer.writerow(row)
        self.fh.flush()

    def close(self, order: list[str]) -> None:
        self.fh.close()
        latest = read_results(self.path)
        rows = [latest[i] for i in order if i in latest] + [r for i, r in latest.items() if i not in set(order)]
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, RESULT_FIELDS, extrasaction="ignore", lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        os.replace(tmp, self.path)


# --- the batch ------------------------------------------------------------------------------------------


def _cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # dask not installed: only start_client needs it
    WorkerPlugin = object


class PinToCore(WorkerPlugin):
    """Each worker process of a LocalCluster on a core of its own (worker i on core i), every thread of it.

    OCR is CPU-bound and the OCR reader sizes its own thread pool by the cores a process may use: with a
    worker per core and no pinning, each worker's pool takes every core and the pools fight (measured on
    two cores: two unpinned workers took 1.6 times as long as one). Pinned, a worker's pool is one thread."""

    name = "xxgk-pin-to-core"

    def __init__(self, cpus: list[int]):
        self.cpus = cpus

    def setup(self, worker):
        try:
            cpu = self.cpus[int(worker.name) % len(self.cpus)]
        except (TypeError, ValueError):
            return  # not a LocalCluster worker (named 0, 1, …): leave it alone
        for tid in os.listdir("/proc/self/task"):
            try:
                os.sched_setaffinity(int(tid), {cpu})
            except OSError:
                pass  # a thread that ended meanwhile


def start_client(scheduler: str | None = None, workers: int | None = None, processes: bool = True):
    """A dask.distributed client: to the scheduler at ADDRESS, or to a new LocalCluster on this machine
    (``workers`` processes, default one per core, one thread each, each on a core of its own)."""
    import logging

    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="30s")
        except (OSError, TimeoutError, ValueError) as exc:  # refused, timed out, or not an address at all
            raise UserError(f"连接不上 Dask 调度器 {scheduler}：{exc}（地址形如 tcp://主机:8786）") from None
    cpus = _cpus()
    n = workers or len(cpus)
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None,
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    if processes and 1 < n <= len(cpus) and hasattr(os, "sched_setaffinity") and os.path.isdir("/proc/self/task"):
        client.register_plugin(PinToCore(cpus))
    return client


class Progress:
    """A progress line on stderr: a bar on a terminal, one line per item otherwise."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.counts = total, 0, Counter()
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.perf_counter()

    def update(self, row: dict) -> None:
        self.done += 1
        self.counts[row["outcome"]] += 1
        elapsed = time.perf_counter() - self.started
        tally = f"草稿 {self.counts[DRAFT]} · 错误 {self.counts[ERROR]} · 内部错误 {self.counts[INTERNAL]}"
        if self.tty:
            width = 24
            filled = int(width * self.done / max(self.total, 1))
            self.stream.write(f"\r导入 [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  {tally}  "
                              f"{elapsed:.0f} 秒")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {row['id']}: {row['outcome']}"
                              + (f"（{row.get('error_type')}）" if row.get("error_type") else "") + f" {row.get('seconds', '')} 秒\n")
        self.stream.flush()


@dataclass
class BatchResult:
    rows: list[dict]  # this run's outcomes (skipped items included)
    wall_seconds: float
    workers: int
    results_file: Path

    def counts(self) -> Counter:
        return Counter(r["outcome"] for r in self.rows)

    @property
    def failed(self) -> int:
        return sum(r["outcome"] in (ERROR, INTERNAL) for r in self.rows)


def run_batch(manifest: Path, out_dir: Path | None = None, scheduler: str | None = None, workers: int | None = None,
              processes: bool = True, progress: bool = True, client=None) -> BatchResult:
    """Import every item of the manifest that has no draft yet; record each outcome as it ends."""
    # Load inputs: the manifest, and what earlier runs left.
    manifest = Path(manifest).resolve()
    items = read_manifest(manifest)
    out_dir = Path(out_dir or paths.DRAFTS).resolve()
    log_path = results_path(manifest, out_dir)
    previous = read_results(log_path)
    todo, rows, new_rows = [], [], []
    for item in items:
        if not paths.find_descriptor(out_dir / item.id):
            todo.append(item)
            continue
        prev = previous.get(item.id)
        if prev and prev.get("outcome") == DRAFT:  # done by an earlier run: its row stays as it is
            rows.append(dict(prev) | {"outcome": SKIPPED})
        else:  # a draft this manifest did not write (or whose row was lost): say so once
            new_rows.append({"id": item.id, "source": item.source, "outcome": SKIPPED,
                             "draft": paths.rel(out_dir / item.id), "message": "草稿已存在，没有重新导入"})
    rows += new_rows

    # Process data; save outputs as they come.
    from dask.distributed import as_completed

    started = time.perf_counter()
    own = client is None and bool(todo)
    if own:
        client = start_client(scheduler, workers, processes)  # before anything is written: it may fail
    out_dir.mkdir(parents=True, exist_ok=True)
    log = ResultsLog(log_path)
    for row in new_rows:
        log.add(row)
    n_workers = len(client.scheduler_info().get("workers", {})) if client is not None else 0
    bar = Progress(len(todo)) if progress and todo else None
    try:
        futures = {client.submit(run_item, item, str(out_dir), str(manifest.parent), key=f"import-{item.id}-{time.time_ns()}",
                                 pure=False): item for item in todo} if todo else {}
        for future in as_completed(futures):
            item = futures[future]
            try:
                row = future.result()
            except Exception as exc:  # the worker died, or the task could not run at all
                row = {"id": item.id, "source": item.source, "outcome": INTERNAL, "error_type": type(exc).__name__,
                       "message": str(exc)[:500]}
            future.release()
            log.add(row)
            rows.append(row)
            if bar:
                bar.update(row)
    finally:
        log.close([i.id for i in items])
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
    return BatchResult(rows, time.perf_counter() - started, n_workers, log.path)


def summary(result: BatchResult) -> str:
    """Counts by outcome, and seconds per report and per page by kind of source (this run's imports)."""
    counts = result.counts()
    lines = ["| 结果 | 份数 |", "| --- | ---: |"]
    lines += [f"| {OUTCOME_ZH[k]} | {counts[k]} |" for k in (DRAFT, SKIPPED, ERROR, INTERNAL)]
    ran = [r for r in result.rows if r["outcome"] != SKIPPED]
    lines += ["", f"本次导入 {len(ran)} 份，用时 {result.wall_seconds:.1f} 秒（{result.workers} 个 worker）"
              + (f"，平均每份 {result.wall_seconds / len(ran):.2f} 秒（墙钟时间）" if ran else "") + "。"]
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in ran:
        if r["outcome"] == DRAFT:
            by_kind[r.get("kind") or "?"].append(r)
    if by_kind:
        lines += ["", "| 原始文件 | 份数 | 页数 | 每份 秒 | 每页 秒 | 每份 CPU 秒 | 每页 CPU 秒 |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for kind, rs in sorted(by_kind.items()):
            secs = sum(float(r["seconds"] or 0) for r in rs)
            cpu = sum(float(r.get("cpu_seconds") or 0) for r in rs)
            pages = sum(int(r["pages"] or 0) for r in rs)
            lines.append(f"| {kind} | {len(rs)} | {pages or '—'} | {secs / len(rs):.2f} | "
                         + (f"{secs / pages:.2f}" if pages else "—") + f" | {cpu / len(rs):.2f} | "
                         + (f"{cpu / pages:.2f}" if pages else "—") + " |")
        lines.append("")
        lines.append("（每份、每页的秒数是 worker 上导入本身的时间，CPU 秒是 worker 进程用掉的 CPU 时间；"
                     "多个 worker 并行时，墙钟时间更短。）")
    failed = [r for r in result.rows if r["outcome"] in (ERROR, INTERNAL)]
    if failed:
        lines += ["", "失败的条目："] + [f"- {r['id']}：{r.get('error_type')}：{(r.get('message') or '')[:200]}" for r in failed[:50]]
    lines += ["", f"每一条的结果：{paths.rel(result.results_file)}。再次运行同一命令会跳过已有草稿的条目，重试其余条目。"]
    return "\n".join(lines) + "\n"


def main(manifest: Path, out_dir: Path | None = None, scheduler: str | None = None, workers: int | None = None) -> int:
    if workers is not None and workers < 1:
        raise UserError(f"--workers 至少为 1，收到 {workers}")
    result = run_batch(manifest, out_dir, scheduler, workers)
    sys.stdout.write(summary(result))
    return 1 if result.failed else 0
