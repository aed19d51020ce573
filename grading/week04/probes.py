"Probes of week 4: they run NEXT TO STUDENT CODE in a sandbox. Not secret: inputs only, no expected values."


def _frames(sample=20000, seed=42):
    from mlopslab import data
    flights = data.load_flights(sample=sample, seed=seed)
    reference = flights[flights.month <= 6].reset_index(drop=True)
    batch = flights[flights.month == 7].reset_index(drop=True)
    km = batch[batch.origin == "LGA"].reset_index(drop=True)
    km["distance"] = (km["distance"] * 1.609344).round().astype(km["distance"].dtype)
    return reference, batch, km


def q4_route_check(sub):
    "Call the student's route_mismatches on the real July batch, the kilometre batch, one changed row and unseen routes."
    import pandas as pd
    reference, batch, km = _frames()
    one = batch.copy(); one.loc[[0, 5, 9], "distance"] += 7
    unseen = pd.concat([batch, batch.head(4).assign(dest="ZZZ", distance=1)], ignore_index=True)
    out = {k: sub.route_mismatches(v, reference) for k, v in {"clean": batch, "km": km, "three": one, "unseen": unseen}.items()}
    return {k: (int(v) if type(v) is int or type(v).__name__.startswith("int") else repr(type(v))) for k, v in out.items()}
