"""Seeded SYNTHETIC land use inside each pilot town's real tambon polygon.

No open land-use layer exists for the pilot towns, so the demo layers are made up, but
inside the real tambon polygon (``data/raw/geo/tha_adm3_tambons_5prov.geojson``) and around
the real town point (``towns.csv`` lat/lon). Each layer is a partition of the polygon into:

* a sinuous river (water) with a riparian strip (riverside park in the core, riparian
  forest or wetland outside),
* major roads (20 m wide, connectivity barriers) through the town point, a lined canal
  (barrier) in non-rural towns, and a grid of minor roads in the urban core,
* Voronoi parcels classed by distance from the town point (urban core, fringe, rural
  hinterland) with spatially clustered classes: built-up, parks, forest (some protected),
  wetland, farmland, degraded land; tree-canopy flags on forest, most parks and some
  leafy built-up blocks.

Every feature says ``SYNTHETIC`` in ``source`` and has ``is_synthetic = True``; the
GeoPackage layer metadata says so too. Some towns use Thai class names, the others English,
to exercise the class mapping. Regenerate the committed files deterministically with::

    python -m analysis.synthetic.landuse            # writes data/raw/landuse/<town_id>.gpkg
    python -m analysis.synthetic.landuse --force    # overwrite

:func:`generate_landuse` with ``n_cells=20_000`` gives the ~20,000-polygon benchmark layer.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.ops import nearest_points

from analysis.errors import ConfigError
from analysis.spatial.crs import utm_epsg_for_lon
from analysis.synthetic.series import SYNTHETIC_TAG

__all__ = ["DEFAULT_SEED", "THAI_NAMES", "generate_landuse", "source_label", "write_demo_landuse"]

DEFAULT_SEED = 20261126
_GPKG_DATE = "2026-11-26T00:00:00.000Z"

#: Thai class names written for towns that use Thai labels.
THAI_NAMES: dict[str, str] = {
    "built_up": "พื้นที่ชุมชน",
    "road": "ถนน",
    "park": "สวนสาธารณะ",
    "forest": "ป่าไม้",
    "wetland": "พื้นที่ชุ่มน้ำ",
    "water": "แหล่งน้ำ",
    "agriculture": "พื้นที่เกษตร",
    "degraded": "พื้นที่เสื่อมโทรม",
}
_THAI_TOWNS = frozenset({"mueang-nan", "mueang-mai", "nam-chiao"})
_NORTH = frozenset({"mueang-nan", "mueang-mai"})
_RURAL = frozenset({"mueang-mai", "nam-chiao"})
_CORE_RADIUS = {
    "city_municipality": 1600.0,
    "town_municipality": 900.0,
    "subdistrict_municipality": 600.0,
    "subdistrict_administrative_organisation": 400.0,
}
_CLASSES = ("built_up", "park", "forest", "wetland", "water", "agriculture", "degraded")


def source_label(seed: int) -> str:
    """Return the ``source`` text of generated features (contains ``SYNTHETIC``).

    Parameters
    ----------
    seed : int
        The generator seed (quoted in the label).

    Returns
    -------
    str
    """
    return f"{SYNTHETIC_TAG} demo land use (ecoplan generator, seed {seed})"


def _probs(d: float, *, north: bool, rural: bool) -> np.ndarray:
    """Class probabilities (order :data:`_CLASSES`) at relative distance ``d`` from the centre."""
    if d < 1.0:
        p = [0.80, 0.08, 0.03, 0.00, 0.00, 0.03, 0.06]
    elif d < 2.0:
        p = [0.35, 0.04, 0.14, 0.05, 0.02, 0.30, 0.10]
    else:
        forest = 0.42 if north else 0.25
        agri = 0.40 if rural or north else 0.55
        p = [0.04, 0.00, forest, 0.07, 0.01, agri, 0.08]
    arr = np.asarray(p, dtype=float)
    return arr / arr.sum()


def _wiggly_line(
    rng: np.random.Generator, centre: np.ndarray, length: float, angle: float, amp: float
) -> shapely.LineString:
    t = np.linspace(-length, length, 200)
    u = np.array([math.cos(angle), math.sin(angle)])
    v = np.array([-u[1], u[0]])
    wavelength = rng.uniform(0.6, 1.2) * length / 2
    phase = rng.uniform(0, 2 * math.pi)
    off = amp * np.sin(2 * math.pi * t / wavelength + phase)
    pts = centre[None, :] + t[:, None] * u[None, :] + off[:, None] * v[None, :]
    return shapely.LineString(pts)


def _points_in(
    poly: shapely.Geometry,
    n: int,
    rng: np.random.Generator,
    *,
    centre: np.ndarray,
    spread: float,
    share: float,
) -> np.ndarray:
    """Sample ``n`` points in ``poly``: ``share`` normal around ``centre``, the rest uniform."""
    x0, y0, x1, y1 = poly.bounds
    shapely.prepare(poly)
    out: list[np.ndarray] = []
    need_c, need_u = round(n * share), n - round(n * share)
    while need_c > 0 or need_u > 0:
        cand_u = np.column_stack(
            [rng.uniform(x0, x1, 2 * need_u + 8), rng.uniform(y0, y1, 2 * need_u + 8)]
        )
        cand_c = centre + rng.normal(0, spread, (2 * need_c + 8, 2))
        for cand, need_name in ((cand_u, "u"), (cand_c, "c")):
            ok = cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]
            k = need_u if need_name == "u" else need_c
            take = ok[:k]
            out.append(take)
            if need_name == "u":
                need_u -= len(take)
            else:
                need_c -= len(take)
    return np.vstack(out)


@dataclass(frozen=True)
class _Frame:
    """The town's geometry frame of the generator (UTM metres)."""

    poly: shapely.Geometry
    centre: np.ndarray
    r_core: float
    diag: float
    north: bool
    rural: bool

    def rel_dist(self, pts: np.ndarray) -> np.ndarray:
        """Distance from the centre in units of the core radius."""
        return np.hypot(pts[:, 0] - self.centre[0], pts[:, 1] - self.centre[1]) / self.r_core

    def draw_classes(self, rng: np.random.Generator, pts: np.ndarray) -> np.ndarray:
        """Draw a class index (into :data:`_CLASSES`) per point from :func:`_probs`."""
        probs = np.array(
            [_probs(d, north=self.north, rural=self.rural) for d in self.rel_dist(pts)]
        )
        u = rng.random(len(pts))
        idx = (np.cumsum(probs, axis=1) < u[:, None]).sum(axis=1)
        return np.minimum(idx, len(_CLASSES) - 1)


def _linear_features(f: _Frame, rng: np.random.Generator) -> dict[str, shapely.Geometry]:
    """River, riparian strip, major and minor roads and (non-rural towns) a lined canal."""
    poly, centre, r_core, diag = f.poly, f.centre, f.r_core, f.diag
    angle = rng.uniform(0, math.pi)
    normal = np.array([-math.sin(angle), math.cos(angle)])
    river_line = _wiggly_line(
        rng, centre + rng.uniform(200, 500) * normal, diag, angle, amp=rng.uniform(150, 400)
    )
    hw = rng.uniform(25, 60)
    river = shapely.intersection(river_line.buffer(hw), poly)
    riparian = shapely.intersection(
        river_line.buffer(hw + 40).difference(river_line.buffer(hw)), poly
    )
    roads = [
        _wiggly_line(
            rng,
            centre,
            diag,
            angle + math.pi / 4 + k * math.pi / 3 + rng.uniform(-0.2, 0.2),
            amp=rng.uniform(20, 80),
        )
        for k in range(3)
    ]
    major = shapely.intersection(
        shapely.union_all([r.buffer(10, quad_segs=2) for r in roads]), poly
    )
    canal = shapely.Polygon()
    if not f.rural:
        along = np.array([math.cos(angle), math.sin(angle)])
        start = centre + rng.uniform(0.8, 1.5) * r_core * along
        line = _wiggly_line(rng, start, diag, angle + math.pi / 2 + rng.uniform(-0.3, 0.3), amp=60)
        canal = shapely.intersection(line.buffer(6, quad_segs=2), poly).difference(river)
    spacing = 250.0
    cx, cy = centre
    offsets = [np.arange(-r_core, r_core, spacing) + rng.uniform(0, spacing) for _ in range(2)]
    grid = [shapely.LineString([(cx + s, cy - r_core), (cx + s, cy + r_core)]) for s in offsets[0]]
    grid += [shapely.LineString([(cx - r_core, cy + s), (cx + r_core, cy + s)]) for s in offsets[1]]
    core = shapely.Point(cx, cy).buffer(r_core).intersection(poly)
    minor = shapely.intersection(shapely.union_all([g.buffer(4, quad_segs=1) for g in grid]), core)
    minor = minor.difference(major).difference(river)
    major = major.difference(river)
    riparian = riparian.difference(shapely.union_all([river, major, minor, canal]))
    return {"river": river, "riparian": riparian, "major": major, "minor": minor, "canal": canal}


def _polygons(geom: shapely.Geometry | np.ndarray) -> np.ndarray:
    parts = shapely.get_parts(geom)
    return parts[(shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 1.0)]


def generate_landuse(
    tambon: shapely.Geometry,
    *,
    town_id: str,
    lon: float,
    lat: float,
    local_gov_type: str = "town_municipality",
    seed: int = DEFAULT_SEED,
    n_cells: int | None = None,
    thai_names: bool | None = None,
) -> gpd.GeoDataFrame:
    """Generate a SYNTHETIC land-use partition of a tambon polygon.

    Parameters
    ----------
    tambon : shapely.Geometry
        The tambon (multi)polygon in EPSG:4326.
    town_id : str
        Town id (also seeds the generator together with ``seed``).
    lon, lat : float
        Town point (centre of the urban core).
    local_gov_type : str
        ``towns.csv`` local_gov_type; sets the size of the urban core.
    seed : int
        Random seed; the output is a deterministic function of the arguments.
    n_cells : int, optional
        Number of Voronoi parcels (default: about 25 per km², 250-1,200, so a committed
        file stays well under 1 MB). ``20_000`` gives the benchmark layer.
    thai_names : bool, optional
        Write Thai class names (default: for mueang-nan, mueang-mai and nam-chiao).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``fid, class, name, protected, tree_canopy, barrier, source,
        is_synthetic, geometry`` in the town's UTM CRS.
    """
    rng = np.random.default_rng([seed, zlib.crc32(town_id.encode())])
    epsg = utm_epsg_for_lon(lon)
    poly = shapely.make_valid(gpd.GeoSeries([tambon], crs=4326).to_crs(epsg).iloc[0])
    centre_pt = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(epsg).iloc[0]
    if not poly.contains(centre_pt):
        centre_pt = nearest_points(poly.buffer(-50), centre_pt)[0]
    x0, y0, x1, y1 = poly.bounds
    f = _Frame(
        poly=poly,
        centre=np.array([centre_pt.x, centre_pt.y]),
        r_core=min(_CORE_RADIUS.get(local_gov_type, 800.0), math.sqrt(0.35 * poly.area / math.pi)),
        diag=math.hypot(x1 - x0, y1 - y0),
        north=town_id in _NORTH,
        rural=town_id in _RURAL,
    )
    if n_cells is None:
        n_cells = int(np.clip(round(poly.area / 1e6 * 25), 250, 1200))
    lin = _linear_features(f, rng)

    # parcels: Voronoi cells of the land left between the linear features
    pts = _points_in(poly, n_cells, rng, centre=f.centre, spread=1.2 * f.r_core, share=0.35)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=poly))
    lines = shapely.union_all([lin["river"], lin["major"], lin["minor"], lin["canal"]])
    rest = poly.difference(lines).difference(lin["riparian"])
    land = _polygons(shapely.intersection(cells, rest))
    rip = _polygons(shapely.intersection(cells, lin["riparian"]))

    # clustered classes: a coarse region decides 75 % of the parcels
    coarse = _points_in(
        poly, max(12, n_cells // 15), rng, centre=f.centre, spread=1.5 * f.r_core, share=0.3
    )
    lc = shapely.get_coordinates(shapely.point_on_surface(land))
    reg = shapely.STRtree(shapely.points(coarse)).nearest(shapely.points(lc))
    region_cls = f.draw_classes(rng, coarse)
    region_protected = rng.random(len(coarse)) < 0.4
    own = f.draw_classes(rng, lc)
    cls_idx = np.where(rng.random(len(land)) < 0.75, region_cls[reg], own)
    land_cls = np.array(_CLASSES, dtype=object)[cls_idx]
    land_protected = (land_cls == "forest") & region_protected[reg] & (f.rel_dist(lc) > 1.5)
    u = rng.random(len(land))
    land_canopy = (
        (land_cls == "forest")
        | ((land_cls == "park") & (u < 0.7))
        | ((land_cls == "built_up") & (u < 0.12))
        | ((land_cls == "agriculture") & (u < 0.05))
    )
    d_rip = f.rel_dist(shapely.get_coordinates(shapely.point_on_surface(rip)))
    rip_cls = np.where(
        d_rip < 1.0, "park", np.where(rng.random(len(rip)) < 0.7, "forest", "wetland")
    )
    rip_cls = rip_cls.astype(object)

    parts = [
        (land, land_cls, "parcel", land_protected, land_canopy, False),
        (
            rip,
            rip_cls,
            "riparian strip",
            (rip_cls == "forest") & (rng.random(len(rip)) < 0.5),
            rip_cls != "wetland",
            False,
        ),
        (_polygons(lin["river"]), "water", "river", False, False, False),
        (_polygons(lin["canal"]), "water", "lined canal", False, False, True),
        (_polygons(lin["major"]), "road", "major road (20 m)", False, False, True),
        (_polygons(lin["minor"]), "road", "minor road (8 m)", False, False, False),
    ]
    cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("geometry", "class", "name", "protected", "tree_canopy", "barrier")
    }
    for geoms, cls, name, prot, canopy, barrier in parts:
        n = len(geoms)
        cols["geometry"].append(geoms)
        cols["class"].append(np.broadcast_to(np.asarray(cls, dtype=object), (n,)))
        cols["name"].append(np.full(n, name, dtype=object))
        cols["protected"].append(np.broadcast_to(np.asarray(prot, dtype=bool), (n,)))
        cols["tree_canopy"].append(np.broadcast_to(np.asarray(canopy, dtype=bool), (n,)))
        cols["barrier"].append(np.full(n, barrier, dtype=bool))
    geoms = shapely.set_precision(np.concatenate(cols["geometry"]), 0.01)
    classes = np.concatenate(cols["class"])
    use_thai = thai_names if thai_names is not None else town_id in _THAI_TOWNS
    n = len(geoms)
    gdf = gpd.GeoDataFrame(
        {
            "fid": np.arange(1, n + 1, dtype=np.int64),
            "class": pd.array(
                [THAI_NAMES[c] for c in classes] if use_thai else list(classes), dtype="string"
            ),
            "name": pd.array(np.concatenate(cols["name"]).astype(str), dtype="string"),
            "protected": np.concatenate(cols["protected"]),
            "tree_canopy": np.concatenate(cols["tree_canopy"]),
            "barrier": np.concatenate(cols["barrier"]),
            "source": pd.array([source_label(seed)] * n, dtype="string"),
            "is_synthetic": np.ones(n, dtype=bool),
        },
        geometry=geoms,
        crs=epsg,
    )
    gdf = gdf[~gdf.geometry.is_empty & (gdf.geometry.area > 1.0)].reset_index(drop=True)
    gdf["fid"] = np.arange(1, len(gdf) + 1, dtype=np.int64)
    return gdf


def write_demo_landuse(
    out_dir: Path,
    towns: pd.DataFrame,
    tambons: gpd.GeoDataFrame,
    *,
    seed: int = DEFAULT_SEED,
) -> list[Path]:
    """Generate and write ``<out_dir>/<town_id>.gpkg`` for every town (atomic writes).

    Parameters
    ----------
    out_dir : pathlib.Path
        Usually ``data/raw/landuse``.
    towns : pandas.DataFrame
        The registry (``town_id, tambon_pcode, lat, lon, local_gov_type``).
    tambons : geopandas.GeoDataFrame
        Tambon polygons with ``ADM3_PCODE`` (EPSG:4326).
    seed : int
        Random seed.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ConfigError
        If a town's tambon is not in ``tambons``.
    """
    written = []
    for row in towns.to_dict("records"):
        town_id, pcode = str(row["town_id"]), str(row["tambon_pcode"])
        sel = tambons[tambons["ADM3_PCODE"] == pcode]
        if sel.empty:
            msg = f"tambon {pcode} of {town_id} not in the tambon file"
            raise ConfigError(msg)
        gdf = generate_landuse(
            sel.geometry.union_all(),
            town_id=town_id,
            lon=float(row["lon"]),
            lat=float(row["lat"]),
            local_gov_type=str(row["local_gov_type"]),
            seed=seed,
        )
        target = out_dir / f"{town_id}.gpkg"
        target.parent.mkdir(parents=True, exist_ok=True)
        # GDAL wants the .gpkg extension, so the atomic temporary file is written by hand
        tmp = target.with_name(f".{town_id}.tmp.gpkg")
        try:
            tmp.unlink(missing_ok=True)
            # a fixed GeoPackage timestamp makes the file bytes reproducible (MANIFEST hashes)
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _GPKG_DATE})
            pyogrio.write_dataframe(
                gdf,
                tmp,
                layer="landuse",
                driver="GPKG",
                layer_metadata={
                    "SOURCE": source_label(seed),
                    "IS_SYNTHETIC": "true",
                    "DESCRIPTION": (
                        f"SYNTHETIC demo land use for {town_id}, generated inside the real "
                        f"tambon polygon {pcode} (COD-AB); not real land use."
                    ),
                },
            )
            tmp.replace(target)
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
            tmp.unlink(missing_ok=True)
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover - the entry point is a command
    from analysis.commands.scripts import demo_landuse_main

    raise SystemExit(demo_landuse_main())
