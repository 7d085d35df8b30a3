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
# Cross-town page: comparison of all pilot towns and the ASEAN ESC Award screening.
# Parameters: lang only. This note is removed from the published page.

# %% tags=["parameters"]
lang = "th"

# %%
from analysis import report

run = report.validate_params(lang=lang, require_town=False)

# %%
report.page_header(run, "x")

# %%
report.intro(run, "x")

# %%
report.section_heading(run, "x.heatmap_heading")

# %%
report.town_score_heatmap(run)

# %%
report.section_heading(run, "x.status_heading")

# %%
report.status_matrix(run)

# %%
report.section_heading(run, "x.esc_rules_heading")

# %%
report.esc_rules_note(run)

# %%
report.section_heading(run, "x.esc_nominee_heading")

# %%
report.esc_nominee_table(run)

# %%
report.section_heading(run, "x.esc_screening_heading")

# %%
report.esc_screening_table(run)

# %%
report.section_heading(run, "x.esc_evidence_heading")

# %%
report.esc_evidence_table(run)

# %%
report.section_heading(run, "x.esc_appendix_heading")

# %%
report.esc_rules_appendix(run)

# %%
report.method_note(run, "x")

# %%
report.provenance(run)
