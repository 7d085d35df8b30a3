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
# Appendix B (ภาคผนวก ข): indicator status by ESC theme against the Thai, WHO and ASEAN
# yardsticks in force, with trend charts. Every visible heading and sentence comes from
# `analysis.report` in the language of `lang`; this note is removed from the published page.

# %% tags=["parameters"]
town_id = "nakhon-sawan"
lang = "th"

# %%
from analysis import report

run = report.validate_params(town_id=town_id, lang=lang)

# %%
report.page_header(run, "b")

# %%
report.intro(run, "b")

# %%
report.section_heading(run, "b.map_heading")

# %%
report.location_map(run)

# %%
report.section_heading(run, "b.overview_heading")

# %%
report.status_overview(run)

# %%
report.theme_heading(run, "air")

# %%
report.status_table(run, "air")

# %%
report.trend_chart(run, "air")

# %%
report.seasonal_profile(run)

# %%
report.theme_heading(run, "water")

# %%
report.status_table(run, "water")

# %%
report.trend_chart(run, "water")

# %%
report.theme_heading(run, "waste")

# %%
report.status_table(run, "waste")

# %%
report.trend_chart(run, "waste")

# %%
report.theme_heading(run, "green")

# %%
report.status_table(run, "green")

# %%
report.trend_chart(run, "green")

# %%
report.theme_heading(run, "biodiversity")

# %%
report.status_table(run, "biodiversity")

# %%
report.trend_chart(run, "biodiversity")

# %%
report.method_note(run, "b")

# %%
report.provenance(run)
