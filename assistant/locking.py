"""One ingestion at a time per data folder: an exclusive lock on `data_dir/ingest.lock`."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator

from .config import Settings
from .errors import IngestBusyError
from .storage import private_dir


@contextlib.contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """Hold the data folder's ingest lock, or raise `IngestBusyError` naming the holder.

    The lock is the operating system's (flock): a killed ingestion releases it by dying.
    """
    private_dir(settings.data_dir)
    path = settings.lock_file
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "?"
            raise IngestBusyError(
                f"ingest lain sedang berjalan pada {settings.data_dir} ({holder}); tunggu sampai "
                f"selesai lalu jalankan lagi (kunci: {path})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, sejak {time.strftime('%H:%M:%S')}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
