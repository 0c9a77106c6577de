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
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 00 · Start here
#
# This course explains the GPU hardware behind large language models (LLMs) with numbers you can
# change: every figure comes from `course_lib`, a small tested Python library with a catalog of
# GPUs and CPUs (each row cites its datasheet), or cites a paper. This first notebook shows how the
# course works, checks that your environment is ready, and fixes the units that every later
# notebook uses. Each technical term is explained in plain words where it first appears and
# collected in the [glossary](../docs/glossary.md).
#
# **Learning objectives**
# - know the order of the notebooks, and how widgets, exercises and checks work;
# - check that Python, numpy, matplotlib, ipywidgets and `course_lib` are installed;
# - convert between GB (10⁹ bytes) and GiB (2³⁰ bytes), and read `nvidia-smi`'s MiB;
# - tell FLOP (work) from FLOPS (a rate);
# - know where to run the course: your machine, Binder, Colab or a JupyterHub workshop.
#
# **Estimated time:** 15 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/00_start_here.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/00_start_here.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# ## 1. Is your environment ready?
#
# The course needs Python 3.10 or newer and four packages. This cell prints their versions and
# says what to do if one is missing.

# %%
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

python_ok = sys.version_info >= (3, 10)
print(f"{'Python':12} {platform.python_version()}", "" if python_ok else "TOO OLD: the course needs 3.10 or newer")
for package in ("numpy", "matplotlib", "ipywidgets", "course-lib"):
    try:
        print(f"{package:12} {version(package)}")
    except PackageNotFoundError:
        print(f"{package:12} MISSING: run `make start` (or `pip install -r requirements.txt`) from the repository")

# %% [markdown]
# Widgets need `ipywidgets` in the kernel *and* its front-end in JupyterLab. If the next cell
# prints a warning, the notebooks still run, but sliders will not appear.

# %%
try:
    import ipywidgets
    print(f"ipywidgets {ipywidgets.__version__}: widgets will work (7.7 on Colab and 8.x elsewhere are both supported)")
except ImportError:
    print("ipywidgets is MISSING. Locally: run `make start`, which installs JupyterLab and ipywidgets as a "
          "matching pair. On Colab it is preinstalled: do not pip-install it there.")

# %% [markdown]
# ## 2. How the course works
#
# The notebooks build on each other; do them in order, or jump to what you need (the planner in
# section 5 picks a path for you). Here they are with their estimated times, from `course_lib`:

# %%
from course_lib.widgets import start_here

for notebook in start_here.COURSE:
    print(f"{notebook.number} · {notebook.title:33} {notebook.minutes:3d} min   {notebook.learn}")

# %% [markdown]
# **Widgets.** A [widget](../docs/glossary.md#widget) is a few controls wired to a `course_lib`
# calculator: move a slider and the headline, the table and the figure below it update. Each
# widget is followed by *Try this:* prompts that say what you should see. Every key figure is
# also drawn once as a static plot, so the notebooks read well on GitHub, where widgets do not
# render. If a widget shows "Error displaying widget" or only its text name, the JupyterLab
# widget front-end is missing or of the wrong version: restart with `make start`.
#
# **Using the keyboard.** Click a slider's handle, then use the arrow keys (Home and End jump to
# the ends); type into a box and press Enter. Drop-down menus are the exception in JupyterLab: the
# arrow keys go to the notebook instead, which moves between cells (a known JupyterLab widgets
# issue, jupyter-widgets/ipywidgets#3912). **Click the menu first** to open its list, then choose
# with the mouse, or with the arrow keys and Enter while the list is open. If a stray key added
# a cell, right-click it and choose Delete Cell.
#
# **Exercises.** The topic notebooks have exercise notebooks in `exercises/` (for example
# `exercises/01_why_gpus_exercises.ipynb`) and worked solutions in `solutions/`. You write your
# answer in place of `...` and run the check. Here is what the checks say, using the first
# exercise of notebook 01 (Amdahl's law, which you will meet there):

# %%
from course_lib.checks import why_gpus as checks_01

ex = checks_01.EXERCISES[0]
ex.check(...)  # not attempted yet

# %% [markdown]
# A wrong answer gets a specific message: here, the classic mistake of expecting 1000 workers to
# be 1000 times faster.

# %%
ex.check(1000)

# %% [markdown]
# `ex.hint()` gives graded hints, one more specific each time you call it; `ex.solution()` shows
# the answer and how to get it; `progress(EXERCISES)` at the end lists what you have solved.

# %%
ex.hint()

# %% [markdown]
# ## 3. Bytes: GB and GiB
#
# This section is the one place the course teaches byte units; every later notebook refers back
# to it.
#
# - **GB = 10⁹ bytes**, a decimal unit. GPU datasheets ("80 GB"), disk vendors and this course
#   count in GB, TB, MB.
# - **GiB = 2³⁰ bytes**, a binary unit. `nvidia-smi`, Linux tools (`ls -h`, `du -h`, `free -h`)
#   and most operating systems count in KiB, MiB, GiB (2¹⁰, 2²⁰, 2³⁰ bytes), and often print
#   them as "K", "M", "G".
#
# `course_lib.units` converts and prints both:

# %%
from course_lib import compute, hardware, units

print(units.format_si(80e9, "B"), "=", units.format_binary(80e9))
print(units.parse_quantity("80 GiB"), "bytes")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert units.parse_quantity("1 GiB") == 2**30 and units.parse_quantity("1 GB") == 1e9
assert units.format_binary(80e9) == "74.5 GiB"
assert units.format_si(units.parse_quantity("80 GiB"), "B") == "85.9 GB"

# %% [markdown]
# ### Widget: bytes, GB and GiB
#
# Pick an amount and a unit; the headline gives the exact byte count and both forms, the line
# below it how much bigger the binary unit is.

# %%
start_here.bytes_view()

# %% [markdown]
# **Try this:**
# - At 80 GB the binary form is 74.5 GiB: the same bytes, a 6.9 % smaller number, because a GiB
#   is 7.4 % bigger than a GB.
# - Switch the unit to GiB: 80 GiB is 85.9 GB.
# - Step through KiB, MiB, GiB, TiB: the gap grows with each prefix, from 2.4 % to 10 %. For
#   the terabyte-sized numbers of later notebooks (a model's training state, a checkpoint) it
#   is no longer a rounding error.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(1 - units.parse_quantity("80 GB") / units.parse_quantity("80 GiB"), 3) == 0.069
assert round(units.GiB / units.GB, 3) == 1.074
assert round(units.parse_quantity("1 KiB") / 1e3, 3) == 1.024 and round(units.parse_quantity("1 TiB") / 1e12, 2) == 1.10

# %% [markdown]
# ## Myth check: "`nvidia-smi` shows less memory than the datasheet, so the card has less"
#
# `nvidia-smi` reports memory in MiB. On an A100 80GB it shows a total of 81920 MiB, and on an
# H100 80GB 81559 MiB (totals listed in [modal-labs/modal-client pull request
# #2797](https://github.com/modal-labs/modal-client/pull/2797), "nvidia quotes GB on their GPUs
# not GiB", 2025). Convert them:

# %%
a100_total = units.parse_quantity("81920 MiB")
h100_total = units.parse_quantity("81559 MiB")
print(units.format_si(a100_total, "B"), "=", units.format_binary(a100_total))
print(units.format_si(h100_total, "B"), "=", units.format_binary(h100_total))

# %% [markdown]
# **Busted, in the other direction.** 81920 MiB is exactly 80 GiB, 85.9 GB: *more* than the
# datasheet's 80 GB read as 80 × 10⁹ bytes; the H100's 81559 MiB (79.6 GiB) is 85.5 GB, also more.
# The numbers look different only because they are in binary units: memory chips come in
# power-of-two sizes, so here the "80GB" in the product name counts binary units.
#
# The course nevertheless reads a datasheet's "80 GB" as 80 × 10⁹ bytes (`memory_gb` in the
# catalog). That is the conservative choice: it leaves a margin of about 7 % for memory your
# program does not control (the driver, CUDA and your framework take some before your model gets
# any). Whenever a later notebook prints GiB next to GB, this is why.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert a100_total == units.parse_quantity("80 GiB")
assert a100_total > 80e9 and h100_total > 80e9
assert units.format_si(h100_total, "B") == "85.5 GB" and units.format_binary(h100_total) == "79.6 GiB"
assert hardware.get_gpu("A100 SXM 80GB").memory_bytes == 80e9
assert round(1 - 80e9 / a100_total, 2) == 0.07  # "a margin of about 7 %"

# %% [markdown]
# ## 4. Work and speed: FLOP and FLOPS
#
# - A **[FLOP](../docs/glossary.md#flop)** is one floating-point operation, an addition or a
#   multiplication: an amount of *work*.
# - **[FLOPS](../docs/glossary.md#flops)** (also written FLOP/s) is a *rate*, FLOP per second; a
#   datasheet's "TFLOPS" is 10¹² FLOP per second.
# - A **[multiply-add](../docs/glossary.md#multiply-add)** (a × b + c, the step of every dot
#   product) counts as 2 FLOP, so a matrix product (m × k) @ (k × n) is 2mnk FLOP.
#
# Names in `course_lib` carry their unit: `memory_gb`, `memory_bandwidth_gbs` (GB/s), `tdp_w`
# (watts), `peak_tflops`; everything else is in SI base units (bytes, FLOP, seconds, watts).
#
# Work divided by a rate is a time. A 4096 × 4096 × 4096 matrix product is an amount of work;
# the H100's datasheet rate for 16-bit numbers (bf16) is a speed. `compute.training_seconds`
# does the division for any amount of work (here one matrix product, not a training run), at a
# chosen fraction of the peak rate. Even at 100 % of the peak (`mfu=1.0`; real programs reach
# a fraction of it: notebook 03 names that fraction, notebook 11 reads it from published runs) it takes:

# %%
h100 = hardware.get_gpu("H100 SXM")
work = compute.matmul_flops(4096, 4096, 4096)
seconds = compute.training_seconds(work, h100, n_gpus=1, mfu=1.0, precision="bf16")  # FLOP / (FLOP/s)
print(units.format_si(work, "FLOP"), "at", units.format_si(h100.peak_flops("bf16"), "FLOPS", digits=4), "->",
      units.format_duration(seconds))

# %% [markdown]
# 139 microseconds for 137 billion FLOP. Notebook 01 shows how a GPU gets there, and
# notebook 03 why datasheets print two different numbers for this rate (the course always uses
# the lower, *dense* one).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert compute.matmul_flops(1, 1, 1) == 2  # one multiply-add = 2 FLOP
assert work == 2 * 4096**3 and units.format_si(work, "FLOP") == "137 GFLOP"
assert h100.peak_tflops("bf16") == 989.5  # half of the datasheet's 1,979 "with sparsity"
assert units.format_duration(seconds) == "139 µs"

# %% [markdown]
# ## 5. Where should you start?
#
# Tell the planner what you want to know and how much time you have today: it lists the notebooks
# in order, their times, and how far you get today.

# %%
start_here.plan_view()

# %% [markdown]
# **Try this:**
# - "Why do LLMs run on GPUs?" takes 00, 01 and 02 (why GPUs, then what is inside one), 135 min:
#   with an hour and a half you do 00 and 01 today.
# - "Everything" is 625 min in all, about two days of a workshop; with 90 minutes today you do 00
#   and 01 and start next time at 02.
# - "Will this model fit in GPU memory?" skips the FLOPS notebooks: 00, then 04 (memory and
#   precision).
# - "How long and how much does training cost?" ends with 11, the reality check: the fraction of
#   the peak that published training runs really reached.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
why = start_here.course_plan("Why do LLMs run on GPUs?", 90)
assert why["total_minutes"] == 135 and [nb.number for nb in why["today"]] == ["00", "01"]
everything = start_here.course_plan("Everything (the whole course)", 90)
assert everything["total_minutes"] == 625
assert [nb.number for nb in everything["today"]] == ["00", "01"] and everything["later"][0].number == "02"
assert start_here.GOALS["Will this model fit in GPU memory?"] == ("00", "04")
assert start_here.GOALS["How long and how much does training cost?"][-1] == "11"

# %% [markdown]
# ## 6. Where to run the course
#
# - **Your machine** (best for the measurements in notebook 01, which are of *your* CPU): clone the
#   repository and run `make start`. It creates `.venv`, installs JupyterLab with a matching
#   ipywidgets, and prints a `http://127.0.0.1:8888/lab?token=...` address to open.
# - **Binder**: the *Launch on Binder* link at the top opens this notebook in JupyterLab in your
#   browser, nothing to install. The first start builds the image and can take minutes.
# - **Colab**: the *Open in Colab* link opens it in Google Colab. The first code cell installs `course_lib`;
#   Colab ships ipywidgets 7.7, which the course supports and tests (never pip-install ipywidgets
#   there: a newer one does not render in Colab).
# - **A JupyterHub workshop**: your instructor gives you one nbgitpuller link that copies the
#   repository into your hub home and opens this notebook; the link format is in the README,
#   section "For instructors". Running it again later fetches updates without overwriting your edits.
# - **Only reading?** The course website, https://gpu-llm-course.github.io/gpu-hardware-for-llms/, shows every
#   notebook with its outputs, each widget as a picture of its starting state, and a launch link beside it.

# %% [markdown]
# ## Summary
#
# - The course is twelve notebooks (00–11, about 625 min), each with widgets and *Try this*
#   prompts; topic notebooks have exercises with `check()`, `hint()` and `solution()`. Terms are
#   collected in the [glossary](../docs/glossary.md).
# - GB = 10⁹ bytes (datasheets, the course), GiB = 2³⁰ bytes (`nvidia-smi`, operating systems):
#   80 GB = 74.5 GiB, and an A100's 81920 MiB = 80 GiB = 85.9 GB. The gap grows with the prefix.
# - FLOP is work, FLOPS is a rate, and work ÷ rate is a time; a multiply-add is 2 FLOP.
#
# ## What next
#
# [01 · Why GPUs](01_why_gpus.ipynb): why a GPU beats a CPU for LLMs, and when it does not; then
# practise with [its exercises](../exercises/01_why_gpus_exercises.ipynb).
