"""Match PCD air-quality stations to COD-AB tambons and to the towns of ``towns.csv``.

A PCD station sheet locates each station by a Thai address: ``ต.ในเวียง อ.เมือง จ.น่าน``
(tambon, amphoe, changwat), in Bangkok ``แขวง... เขต... กทม.``, sometimes after a road
(``ริมถนนพระรามสี่ แขวงปทุมวัน ...``). :func:`parse_address` takes the three names;
:func:`match_stations` looks them up in the boundary table (``boundaries.parquet``):

* province by its Thai name (``กทม.`` = กรุงเทพมหานคร), spelling variants folded
  (``ฏ``/``ฎ``, spaces, dots);
* district within the province; ``อ.เมือง`` is the province's Mueang district
  (``เมือง`` + province name, e.g. เมืองน่าน), ``อ.เมืองลพบุรี`` is taken as written;
* tambon within the district, exact after folding, else the single closest name with
  a similarity of at least 0.85 (recorded in the reason).

A station with no tambon gets ``match_status`` ``unmatched`` and the reason (province not
in the boundary files, district or tambon not found, code listed twice with different
addresses, no entry in the station sheet). The stations carry no coordinates, so a
station is located at its tambon's centroid: ``distance_km`` is the great-circle distance
from the town's point (``towns.csv`` lat/lon) to that centroid, and ``relation`` says
whether the station lies in the town's own tambon (``own_tambon``), is a nearby station
named for the town in ``data/raw/air/station_towns.csv`` (``named_nearby``), or neither.
"""

from __future__ import annotations

import difflib
import math
import re

import geopandas as gpd
import pandas as pd

from analysis.store.schema import columns as store_columns

__all__ = ["MATCH_COLUMNS", "fold", "match_stations", "parse_address"]

MATCH_COLUMNS: tuple[str, ...] = store_columns("air_stations.parquet")

_BANGKOK = "กรุงเทพมหานคร"
_TAMBON_RE = re.compile(r"(?:^|\s)(?:ต\.|ตำบล|แขวง)\s*([^\s]+)")
_DISTRICT_RE = re.compile(r"(?:^|\s)(?:อ\.|อำเภอ|เขต)\s*([^\s]+)")
_PROVINCE_RE = re.compile(r"(?:^|\s)(?:จ\.|จังหวัด)\s*([^\s]+)")
_FUZZY = 0.85


def fold(name: object) -> str:
    """Fold a Thai place name for comparison (spaces, dots and ``ฏ``/``ฎ`` variants).

    Parameters
    ----------
    name : object
        A place name (``None`` counts as empty).

    Returns
    -------
    str
        The name without spaces and dots, with ฏ written as ฎ.

    Examples
    --------
    >>> fold("สุราษฏร์ธานี ") == fold("สุราษฎร์ธานี")
    True
    """
    text = str(name or "").strip().replace("ฏ", "ฎ")
    return re.sub(r"[\s.]+", "", text)


def parse_address(address: str) -> tuple[str, str, str]:
    """Return (tambon, district, province) names from a PCD station address.

    Parameters
    ----------
    address : str
        E.g. ``"ต.ในเวียง อ.เมือง จ.น่าน"`` or ``"แขวงปทุมวัน เขตปทุมวัน กทม."``.

    Returns
    -------
    tuple of str
        Folded names; ``""`` for a part not found.

    Examples
    --------
    >>> parse_address("ต.ในเวียง อ.เมือง จ.น่าน")
    ('ในเวียง', 'เมือง', 'น่าน')
    >>> parse_address("ริมถนนพระรามสี่ แขวงปทุมวัน เขตปทุมวัน กทม.")
    ('ปทุมวัน', 'ปทุมวัน', 'กรุงเทพมหานคร')
    """
    text = " " + re.sub(r"\s+", " ", address.replace("จ. ", "จ.").replace("อ. ", "อ.")) + " "
    text = text.replace("ต. ", "ต.")
    tambon = _TAMBON_RE.search(text)
    district = _DISTRICT_RE.search(text)
    province = _PROVINCE_RE.search(text)
    prov = fold(province.group(1)) if province else ""
    if not prov and re.search(r"กทม|กรุงเทพ", text):
        prov = _BANGKOK
    return (
        fold(tambon.group(1)) if tambon else "",
        fold(district.group(1)).rstrip(".") if district else "",
        prov,
    )


def _closest(name: str, options: dict[str, str]) -> tuple[str | None, str]:
    """Return (pcode, how) for ``name`` among folded ``options`` {folded name: pcode}."""
    if name in options:
        return options[name], "exact"
    close = difflib.get_close_matches(name, list(options), n=2, cutoff=_FUZZY)
    if len(close) == 1:
        return options[close[0]], f"spelling variant of {close[0]}"
    return None, ""


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def match_stations(  # noqa: PLR0912, PLR0915
    stations: pd.DataFrame,
    codes: list[str],
    boundaries: gpd.GeoDataFrame,
    towns: pd.DataFrame,
    named: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Match station records to tambons and towns.

    Parameters
    ----------
    stations : pandas.DataFrame
        Station-sheet records (:data:`analysis.ingest.pcd.STATION_COLUMNS`) of one or more
        workbooks; the same code with the same address in several workbooks is one station.
    codes : list of str
        Codes that have a data column; a code without a station-sheet entry is listed as
        unmatched.
    boundaries : geopandas.GeoDataFrame
        ``level``, ``pcode``, ``parent_pcode``, ``name_th``, ``geometry`` (EPSG:4326).
    towns : pandas.DataFrame
        ``town_id``, ``tambon_pcode``, ``lat``, ``lon``.
    named : pandas.DataFrame, optional
        ``town_id``, ``station_code``: nearby stations a town without its own may use.

    Returns
    -------
    pandas.DataFrame
        :data:`MATCH_COLUMNS`, one row per station code (sorted), plus one row per extra
        town a named station serves.
    """
    levels = {
        lv: boundaries[boundaries["level"] == lv] for lv in ("province", "district", "tambon")
    }
    provinces = {
        fold(n): p
        for n, p in zip(levels["province"]["name_th"], levels["province"]["pcode"], strict=True)
    }
    prov_name = dict(zip(levels["province"]["pcode"], levels["province"]["name_th"], strict=True))
    tambons = levels["tambon"]
    names = dict(zip(boundaries["pcode"], boundaries["name_th"], strict=True))
    centroid: dict[str, tuple[float, float]] = {}
    if len(tambons):
        pts = tambons.to_crs(32647).centroid.to_crs(4326)
        centroid = {p: (pt.y, pt.x) for p, pt in zip(tambons["pcode"], pts, strict=True)}
    town_by_tambon = dict(zip(towns["tambon_pcode"], towns["town_id"], strict=True))
    town_pt = {
        town_id: (float(lat), float(lon))
        for town_id, lat, lon in zip(towns["town_id"], towns["lat"], towns["lon"], strict=True)
        if pd.notna(lat) and pd.notna(lon)
    }
    named_map: dict[str, list[str]] = {}
    if named is not None:
        for r in named.itertuples():
            named_map.setdefault(str(r.station_code), []).append(str(r.town_id))

    out: list[dict[str, object]] = []
    by_code: dict[str, pd.DataFrame] = (
        {str(c): g for c, g in stations.groupby("station_code", sort=True)} if len(stations) else {}
    )
    for code in sorted(set(codes) | set(by_code)):
        rec: dict[str, object] = dict.fromkeys(MATCH_COLUMNS, "")
        rec.update(station_code=code, distance_km=float("nan"), src_row=pd.NA, relation="none")
        grp = by_code.get(code)
        if grp is None:
            rec.update(match_status="unmatched", match_reason="no entry in the station sheet")
            out.append(rec)
            continue
        first = grp.iloc[0]
        rec.update(
            address_th=first["address_th"],
            site_th=first["site_th"],
            src_file=first["src_file"],
            src_row=int(first["src_row"]),
        )
        addresses = {fold(a) for a in grp["address_th"]}
        if len(addresses) > 1:
            rows = ", ".join(
                f"{f} row {r}" for f, r in zip(grp["src_file"], grp["src_row"], strict=True)
            )
            rec.update(
                match_status="unmatched",
                match_reason=f"code listed more than once with different addresses ({rows})",
            )
            out.append(rec)
            continue
        notes = [n for n in grp["code_note"] if n]
        tam, dist, prov = parse_address(str(first["address_th"]))
        rec.update(tambon_th=tam, district_th=dist, province_th=prov)
        if prov == "กทม":
            prov = _BANGKOK
        ppc, how_p = _closest(prov, provinces) if prov else (None, "")
        if ppc is None:
            rec.update(match_status="unmatched", match_reason=f"province {prov!r} not recognised")
            out.append(rec)
            continue
        rec["province_pcode"] = ppc
        dists = levels["district"][levels["district"]["parent_pcode"] == ppc]
        if dists.empty:
            rec.update(
                match_status="unmatched",
                match_reason=(
                    f"province {prov_name[ppc]} ({ppc}) has no district or tambon boundaries "
                    "in data/raw/geo"
                ),
            )
            out.append(rec)
            continue
        options = {fold(n): p for n, p in zip(dists["name_th"], dists["pcode"], strict=True)}
        pfold = fold(prov_name[ppc])
        if dist in ("เมือง", f"เมือง{pfold}") and f"เมือง{pfold}" in options:
            dpc, how_d = options[f"เมือง{pfold}"], "exact"
        else:
            dpc, how_d = _closest(dist, options) if dist else (None, "")
        if dpc is None:
            rec.update(
                match_status="unmatched",
                match_reason=f"district {dist!r} not found in {prov_name[ppc]}",
            )
            out.append(rec)
            continue
        rec["district_pcode"] = dpc
        tams = tambons[tambons["parent_pcode"] == dpc]
        tpc, how_t = (
            _closest(tam, {fold(n): p for n, p in zip(tams["name_th"], tams["pcode"], strict=True)})
            if tam
            else (None, "")
        )
        if tpc is None:
            rec.update(
                match_status="unmatched", match_reason=f"tambon {tam!r} not found in {names[dpc]}"
            )
            out.append(rec)
            continue
        hows = [h for h in (how_p, how_d, how_t) if h and h != "exact"]
        rec.update(
            tambon_pcode=tpc,
            match_status="matched",
            match_reason="; ".join(["address matched", *hows, *notes]),
        )
        town = town_by_tambon.get(tpc)
        served = [(town, "own_tambon")] if town else []
        served += [(t, "named_nearby") for t in named_map.get(code, []) if t != town]
        if not served:
            out.append(rec)
            continue
        for town_id, relation in served:
            row = dict(rec)
            row.update(town_id=town_id, relation=relation)
            if town_id in town_pt and tpc in centroid:
                row["distance_km"] = round(_km(*town_pt[town_id], *centroid[tpc]), 1)
            out.append(row)
    df = pd.DataFrame(out, columns=list(MATCH_COLUMNS))
    df["distance_km"] = df["distance_km"].astype("float64")
    df["src_row"] = df["src_row"].astype("Int64")
    for col in MATCH_COLUMNS:
        if col not in ("distance_km", "src_row"):
            df[col] = df[col].fillna("").astype("str")
    return df.reset_index(drop=True)
