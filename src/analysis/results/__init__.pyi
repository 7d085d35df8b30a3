# The public names of analysis.results, each listed once (`name as name` marks an explicit
# re-export for type checkers). At run time __init__.py reads this stub with
# lazy_loader.attach_stub and imports a name's module on first use.
from .store import RESULTS_DIR as RESULTS_DIR
from .store import ResultsManifest as ResultsManifest
from .store import inputs_hash as inputs_hash
from .store import is_current as is_current
from .store import read_manifest as read_manifest
from .store import read_result as read_result
from .store import results_dir as results_dir
from .tables import METHOD_VERSION as METHOD_VERSION
from .tables import RESULT_TABLES as RESULT_TABLES
