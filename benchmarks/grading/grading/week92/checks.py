"Hidden checks of the synthetic benchmark lab (week 92): the same verdicts as the otter tests in bench.py."
from mlopslab.course.checks import hidden, close


@hidden("q1_mean", record=["mean"])
def mean_ok(ctx):
    "mean of values"
    assert close(ctx.value("mean"), 5.5, 1e-9), "mean is wrong"


@hidden("q2_square", probe="q2_square")
def square_ok(ctx):
    "square of 3 and -2.5"
    assert close(ctx.probe("q2_square"), [9, 6.25], 1e-9), "square is wrong"


@hidden("q3_counts", record=["counts"])
def counts_ok(ctx):
    "word counts"
    assert ctx.value("counts") == {"the": 2, "cat": 1, "and": 1, "hat": 1}, "counts is wrong"


@hidden("q4_total", record=["total"])
def total_ok(ctx):
    "sum of squares"
    assert close(ctx.value("total"), 333332833333500000.0, 1.0), "total is wrong"
