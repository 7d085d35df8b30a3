# The public names of analysis.stats, each listed once (`name as name` marks an explicit
# re-export for type checkers). At run time __init__.py reads this stub with
# lazy_loader.attach_stub and imports a name's module on first use.
from .frames import Analysis as Analysis
from .frames import TownAnalysis as TownAnalysis
from .milestones import milestone_table as milestone_table
from .panel import MIN_POINTS as MIN_POINTS
from .panel import Panel as Panel
from .panel import build_panel as build_panel
from .panel import catalogue_row_for as catalogue_row_for
from .plan import PHASES as PHASES
from .plan import PLAN_CLASSES as PLAN_CLASSES
from .plan import plan_table as plan_table
from .progress import assess_progress as assess_progress
from .progress import progress_table as progress_table
from .projection import DEFAULT_HORIZON as DEFAULT_HORIZON
from .projection import projection_table as projection_table
from .ranking import indicator_scores as indicator_scores
from .ranking import score_table as score_table
from .status import latest_status as latest_status
from .status import status_table as status_table
from .summary import analyse_all as analyse_all
from .summary import analyse_town as analyse_town
from .summary import plan_counts as plan_counts
from .summary import town_scores as town_scores
from .trend import trend_table as trend_table
