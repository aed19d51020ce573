"Probes of the benchmark lab (inputs only)."


def q2_square(sub):
    "square of 3 and -2.5"
    return [sub.square(3), sub.square(-2.5)]
