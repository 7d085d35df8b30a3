# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: ecoplan (Python 3)
#     language: python
#     name: ecoplan
# ---

# %% [markdown] tags=["remove_cell"]
# Appendix D (ภาคผนวก ง): green space, urban biodiversity (CBI) and the eco-landscape
# zoning map (แผนผังภูมินิเวศ). This note is removed from the published page.

# %% tags=["parameters"]
town_id = "nakhon-sawan"
lang = "th"

# %%
from analysis import report

run = report.validate_params(town_id=town_id, lang=lang)

# %%
report.page_header(run, "d")

# %%
report.intro(run, "d")

# %%
report.analysis_area_note(run)

# %%
report.section_heading(run, "d.green_heading")

# %%
report.greenspace_table(run)

# %%
report.greenspace_map(run)

# %%
report.section_heading(run, "d.cbi_heading")

# %%
report.cbi_table(run)

# %%
report.section_heading(run, "d.zoning_heading")

# %%
report.zoning_map(run)

# %%
report.zone_area_table(run)

# %%
report.zone_descriptions(run)

# %%
report.provenance(run)
