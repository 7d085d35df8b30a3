"""Raw indicator files -> validated long rows + rejected rows (``ecoplan ingest``).

See :mod:`analysis.ingest.pipeline` for the stages, :mod:`analysis.ingest.readers` for the
formats and encodings read, :mod:`analysis.ingest.normalise` for digits, years, headers and
units, and :mod:`analysis.ingest.schema` for the pandera schemas.
"""

from analysis.ingest.pipeline import (
    FileSummary,
    IngestReport,
    IngestResult,
    discover_files,
    ingest_files,
    run_ingest,
)
from analysis.ingest.readers import DEFAULT_MAX_BYTES

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FileSummary",
    "IngestReport",
    "IngestResult",
    "discover_files",
    "ingest_files",
    "run_ingest",
]
