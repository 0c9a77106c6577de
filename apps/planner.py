# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # GPU planner
#
# Which GPUs can run your LLM job, how many, in which servers, how long it takes, how much energy
# it draws and what it costs; how to split it over a cluster; and whether to rent or buy. Every
# number is computed by the course's tested library from datasheets and papers. Prices are a
# **dated snapshot** with the page each came from, not live prices: type the prices you are quoted.
# From the course *GPU hardware for large language models* (notebooks 08–10 explain the method).

# %%
from IPython.display import HTML

from course_lib.widgets import choosing
from course_lib.widgets import layouts as layout_views

# %% [markdown]
# ## 1. Plan a job
#
# Choose the task, the model and what to rank by. The table lists every GPU: the ones a ranking
# leaves out, and why, and the ones that cannot do the job, and why.

# %%
choosing.planner_view()

# %% [markdown]
# ## 2. Split a training job over a cluster
#
# For one system and GPU count: the fastest ways to split the model (tensor, pipeline and data
# parallel degrees) that fit in memory, with the time of one training step by part.

# %%
layout_views.search_view()

# %% [markdown]
# ## 3. Rent or buy
#
# When buying a GPU costs less than renting it, at the GPU's rated power and an electricity price.

# %%
choosing.rent_vs_buy_view()

# %% [markdown]
# ## Where the prices come from
#
# Each rental price with its provider, offer, date and page; the GPUs with none are named below the table.

# %%
HTML(choosing.rent_table_html() + choosing.purchase_table_html())
