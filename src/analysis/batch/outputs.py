"""Where build outputs go, and how they are written: the batch runner's view.

The layout is defined once in :mod:`analysis.paths` (pure functions of the reports
folder) and the atomic, unit-wise publishing in :mod:`analysis.store.publish`; this
module gathers both under the names the batch runner uses (``outputs.town_html``,
``outputs.OutputWriter`` ...). Code outside :mod:`analysis.batch` imports them from
those two modules, never from here (``tests/unit/test_import_layers.py``).
"""

from __future__ import annotations

from analysis.paths import (
    ARCHIVE_DIR,
    CROSS_DIR,
    DOWNLOADS_DIR,
    cross_html,
    cross_notebook,
    download_files,
    town_html,
    town_index,
    town_notebook,
)
from analysis.store.publish import (
    OutputWriter,
    archive_unregistered,
    clean_stale_temporaries,
    prepare_publish,
    publish_unit,
)

__all__ = [
    "ARCHIVE_DIR",
    "CROSS_DIR",
    "DOWNLOADS_DIR",
    "OutputWriter",
    "archive_unregistered",
    "clean_stale_temporaries",
    "cross_html",
    "cross_notebook",
    "download_files",
    "prepare_publish",
    "publish_unit",
    "town_html",
    "town_index",
    "town_notebook",
]
