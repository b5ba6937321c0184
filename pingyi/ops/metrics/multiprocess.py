"""prometheus_client's multiprocess mode for ``pingyi serve``: one folder of counter files per server.

``prepare(bind)`` runs in ``pingyi serve`` before anything imports prometheus_client (it picks its way of counting
at import): it points ``PROMETHEUS_MULTIPROC_DIR`` at ``PINGYI_HOME/metrics/<bind>`` (or
``PINGYI_METRICS_DIR``) and empties the folder, so counts start at zero with the server (Prometheus expects a
restart to reset a counter). Each server on a host has its own folder: two ``pingyi serve`` on one host are two
scrape targets. The files of a worker gunicorn replaced stay and keep counting in the sums (django-prometheus keeps
counters and histograms only, no per-process gauge to retire). This module imports nothing of Django.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path


def prepare(bind: str, home: Path) -> Path:
    folder = Path(
        os.environ.get("PINGYI_METRICS_DIR") or home / "metrics" / re.sub(r"[^0-9A-Za-z.-]", "_", bind)
    )
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder
