"Probes of week 1: they run NEXT TO STUDENT CODE in a sandbox. Not secret: inputs only, no expected values."


class _Known:
    "A stand-in model whose probabilities are fixed."
    p = [0.1, 0.4, 0.35, 0.8, 0.7, 0.9, 0.2, 0.45]
    classes_ = [0, 1]

    def predict_proba(self, X):
        import numpy as np
        p = np.array(self.p)
        return np.c_[1 - p, p]

    def predict(self, X):
        import numpy as np
        return (np.array(self.p) > 0.5).astype(int)


def q2_evaluate(sub):
    "Call the student's evaluate on a model with known probabilities, at thresholds 0.5 and 0.3."
    import numpy as np, pandas as pd
    X, y = pd.DataFrame({"x": range(8)}), pd.Series(np.array([0, 0, 1, 1, 0, 1, 0, 1]))
    return {"at_05": sub.evaluate(_Known(), X, y, 0.5), "at_03": sub.evaluate(_Known(), X, y, threshold=0.3)}
