"Probes of week 1: they run NEXT TO STUDENT CODE in a sandbox. Not secret: inputs only, no expected values."


def q2_evaluate_inputs(seed: int):
    "Labels, probabilities and the second threshold of the probe for `seed` (the grader draws one per submission; the hidden check recomputes them)."
    import random
    rng = random.Random(seed)
    n = rng.randint(8, 16)
    y = [0, 1] + [rng.randint(0, 1) for _ in range(n - 2)]
    rng.shuffle(y)
    p = [round(rng.uniform(0.02, 0.98), 3) for _ in range(n)]
    return y, p, rng.choice([0.2, 0.25, 0.3, 0.35, 0.4])


class _Known:
    "A stand-in model whose probabilities are fixed (drawn per submission)."
    classes_ = [0, 1]

    def __init__(self, p):
        self.p = p

    def predict_proba(self, X):
        import numpy as np
        p = np.array(self.p)
        return np.c_[1 - p, p]

    def predict(self, X):
        import numpy as np
        return (np.array(self.p) > 0.5).astype(int)


def q2_evaluate(sub, seed):
    "Call the student's evaluate on a model with known probabilities, at threshold 0.5 and a second one drawn with them."
    import numpy as np, pandas as pd
    y, p, t = q2_evaluate_inputs(seed)
    X, y = pd.DataFrame({"x": range(len(y))}), pd.Series(np.array(y))
    return {"at_05": sub.evaluate(_Known(p), X, y, 0.5), "at_03": sub.evaluate(_Known(p), X, y, threshold=t)}


def q5_logged_model(sub, seed, params):
    "Load the registered versions of 'flights-delay' from a copy of the notebook's MLflow folder; their probabilities of a delay on the test flights, per run."
    import sqlite3
    from pathlib import Path
    from urllib.parse import unquote, urlparse
    import mlflow.sklearn
    from mlopslab import data
    con = sqlite3.connect("file:ws/mlflow/mlflow.db?mode=ro", uri=True)
    rows = con.execute("SELECT version, run_id, storage_location FROM model_versions WHERE name = 'flights-delay' ORDER BY version DESC LIMIT 3").fetchall()
    fl = data.labelled(data.load_flights(sample=params["sample"], seed=params["seed"]))
    X = data.xy(data.time_split(fl, test_size=0.2)[1])[0]
    out = {}
    for _, run_id, loc in rows:
        path = unquote(urlparse(loc).path) if "://" in str(loc) else str(loc)
        try: model = mlflow.sklearn.load_model(str(Path("ws/mlflow")/path.split("/ws/mlflow/", 1)[-1]))   # the run's artifacts, not a path it names
        except Exception: continue                                                          # no model there: the check says so
        out[str(run_id)] = [round(float(v), 9) for v in model.predict_proba(X)[:, list(model.classes_).index(1)]]
    return out


q5_logged_model.copy = ["ws/mlflow"]   # what of the notebook's run the grader copies into the probe's folder
q5_logged_model.student_code = False   # the submission's code is not defined in this probe's process: it cannot patch the loading
