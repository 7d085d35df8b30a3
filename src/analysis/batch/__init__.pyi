# The public names of analysis.batch, each listed once (`name as name` marks an explicit
# re-export for type checkers). At run time __init__.py reads this stub with
# lazy_loader.attach_stub and imports a name's module on first use.
from .executor import BuildOptions as BuildOptions
from .executor import build as build
