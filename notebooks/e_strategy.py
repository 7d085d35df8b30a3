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
# Appendix E (ภาคผนวก จ): strategy framework (solve / prevent / create opportunity),
# priorities, phase targets, the town's programmes and projects (measures register) and
# ASEAN ESC Award readiness. Removed from the published page.

# %% tags=["parameters"]
town_id = "nakhon-sawan"
lang = "th"
horizon = 2037

# %%
from analysis import report

run = report.validate_params(town_id=town_id, lang=lang, horizon=horizon)

# %%
report.page_header(run, "e")

# %%
report.intro(run, "e")

# %%
report.phase_note(run)

# %%
report.section_heading(run, "e.overview_heading")

# %%
report.plan_overview(run)

# %%
report.section_heading(run, "e.priorities_heading")

# %%
report.priority_list(run)

# %%
report.plan_class_table(run, "solve")

# %%
report.plan_class_table(run, "prevent")

# %%
report.plan_class_table(run, "opportunity")

# %%
report.plan_class_table(run, "maintain")

# %%
report.measures_overview(run)

# %%
report.measures_table(run, "solve")

# %%
report.measures_table(run, "prevent")

# %%
report.measures_table(run, "opportunity")

# %%
report.unaddressed_problems(run)

# %%
report.section_heading(run, "e.esc_heading")

# %%
report.esc_readiness_table(run)

# %%
report.method_note(run, "e")

# %%
report.provenance(run)
