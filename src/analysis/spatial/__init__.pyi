# The public names of analysis.spatial, each listed once (`name as name` marks an explicit
# re-export for type checkers). At run time __init__.py reads this stub with
# lazy_loader.attach_stub and imports a name's module on first use.
from .area import AnalysisArea as AnalysisArea
from .area import choose_analysis_area as choose_analysis_area
from .area import clip_landuse as clip_landuse
from .area import clip_to_area as clip_to_area
from .area import read_municipal_boundaries as read_municipal_boundaries
from .cbi import cbi_table as cbi_table
from .cbi import cbi_values as cbi_values
from .cbi import connectivity as connectivity
from .cbi import natural_connectivity as natural_connectivity
from .cbi import score as score
from .checks import check_town_results as check_town_results
from .crs import utm_epsg_for_lon as utm_epsg_for_lon
from .greenspace import YARDSTICKS as YARDSTICKS
from .greenspace import greenspace_inventory as greenspace_inventory
from .greenspace import greenspace_summary as greenspace_summary
from .landuse import CLASSES as CLASSES
from .landuse import apply_canopy_layer as apply_canopy_layer
from .landuse import normalise_landuse as normalise_landuse
from .landuse import read_landuse as read_landuse
from .maps import plot_greenspace_map as plot_greenspace_map
from .maps import plot_landuse_map as plot_landuse_map
from .maps import plot_location_map as plot_location_map
from .maps import plot_zoning_map as plot_zoning_map
from .pipeline import analyse_town as analyse_town
from .pipeline import build_spatial as build_spatial
from .pipeline import town_area as town_area
from .zoning import assign_zones as assign_zones
from .zoning import habitat_gaps as habitat_gaps
from .zoning import load_zoning_rules as load_zoning_rules
from .zoning import zone_area_table as zone_area_table
from .zoning import zoning as zoning
