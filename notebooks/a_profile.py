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
# Appendix A (ภาคผนวก ก): town profile and data inventory. Visible text comes from
# `analysis.report` in the language of `lang`; this note is removed from the published page.

# %% tags=["parameters"]
town_id = "nakhon-sawan"
lang = "th"

# %%
from analysis import report

run = report.validate_params(town_id=town_id, lang=lang)

# %%
report.page_header(run, "a")

# %%
report.intro(run, "a")

# %%
report.section_heading(run, "a.profile_heading")

# %%
report.profile_table(run)

# %%
report.section_heading(run, "a.map_heading")

# %%
report.location_map(run)

# %%
report.section_heading(run, "a.coverage_heading")

# %%
report.coverage_heatmap(run)

# %%
report.section_heading(run, "a.sources_heading")

# %%
report.sources_table(run)

# %%
report.measured_note(run)

# %%
report.section_heading(run, "a.quality_heading")

# %%
report.quality_table(run)

# %%
report.rejected_table(run)

# %%
report.provenance(run)
