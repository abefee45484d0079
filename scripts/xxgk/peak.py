"""Peak memory of processes, as the benchmark and `xxgk site` report it.

The peak of a process is its VmHWM (the high-water mark of its resident memory) in /proc, which the kernel
keeps per address space, so a process started with exec reports its own peak, not its parent's. A watcher
reads it until the process ends; the last reading is the peak. Where /proc is not there, the peak is 0
(not measured)."""

from __future__ import annotations

import threading
from pathlib import Path


def vm_hwm_mib(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


class Watch:
    """Follows a child process's peak memory until it ends: ``watch = Watch(proc.pid)``, then ``watch.mib``."""

    def __init__(self, pid: int, every: float = 0.1):
        self.pid, self.mib = pid, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        while not self._stop.is_set():
            now = vm_hwm_mib(self.pid)
            if now == 0.0 and self.mib:
                return  # gone
            self.mib = max(self.mib, now)
            self._stop.wait(every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.mib
