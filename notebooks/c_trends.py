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
# Appendix C (ภาคผนวก ค): trends, projections to the plan horizon with intervals, progress
# to targets and 5-year phase milestones. This note is removed from the published page.

# %% tags=["parameters"]
town_id = "nakhon-sawan"
lang = "th"
horizon = 2037

# %%
from analysis import report

run = report.validate_params(town_id=town_id, lang=lang, horizon=horizon)

# %%
report.page_header(run, "c")

# %%
report.intro(run, "c")

# %%
report.theme_title(run, "air")

# %%
report.projection_chart(run, "air")

# %%
report.projection_table(run, "air")

# %%
report.theme_title(run, "water")

# %%
report.projection_chart(run, "water")

# %%
report.projection_table(run, "water")

# %%
report.theme_title(run, "waste")

# %%
report.projection_chart(run, "waste")

# %%
report.projection_table(run, "waste")

# %%
report.theme_title(run, "green")

# %%
report.projection_chart(run, "green")

# %%
report.projection_table(run, "green")

# %%
report.theme_title(run, "biodiversity")

# %%
report.projection_chart(run, "biodiversity")

# %%
report.projection_table(run, "biodiversity")

# %%
report.section_heading(run, "c.progress_heading")

# %%
report.progress_table(run)

# %%
report.section_heading(run, "c.milestone_heading")

# %%
report.milestone_table(run)

# %%
report.method_note(run, "c")

# %%
report.provenance(run)
