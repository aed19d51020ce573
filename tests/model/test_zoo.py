"The model zoo: one definition per model, built by name, deterministic with a seed, and the same models the labs and the pipeline use."
import numpy as np
import pytest
from mlopslab import data
from mlopslab.config import get_config
from mlopslab.errors import ConfigError
from mlopslab.model import zoo


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    fl = data.labelled(data.load_flights(months=[1, 2], sample=4000, seed=3, cfg=get_config(workspace=tmp_path_factory.mktemp("ws"))))
    tr, te = data.time_split(fl)
    return data.xy(tr), data.xy(te)


@pytest.mark.parametrize("name", sorted(zoo.MODELS))
def test_every_model_fits_the_course_features_and_is_deterministic(split, name):
    (Xtr, ytr), (Xte, yte) = split
    a = zoo.make(name).fit(Xtr, ytr).predict_proba(Xte)[:, 1]
    b = zoo.make(name).fit(Xtr, ytr).predict_proba(Xte)[:, 1]
    # the forest averages its trees' votes on 2 threads, so the order of that sum (and the last bit) may differ
    assert np.allclose(a, b, rtol=0, atol=1e-12) and a.shape == (len(Xte),) and ((0 <= a) & (a <= 1)).all()
    assert 0.5 < zoo.evaluate(zoo.make(name).fit(Xtr, ytr), Xte, yte)["auc"] <= 1


def test_the_seed_changes_the_forest(split):
    (Xtr, ytr), (Xte, _) = split
    p = lambda s: zoo.forest(seed=s, n_estimators=10).fit(Xtr, ytr).predict_proba(Xte)[:, 1]
    assert not np.array_equal(p(1), p(2))


def test_logistic_on_numeric_columns_only(split):
    "Week 2's model: the numeric features alone, so a category the model never saw cannot matter."
    (Xtr, ytr), (Xte, _) = split
    m = zoo.logistic(max_iter=500, categorical=[]).fit(Xtr, ytr)
    changed = Xte.assign(carrier="ZZ", origin="XXX")
    assert np.array_equal(m.predict_proba(Xte), m.predict_proba(changed))


def test_unknown_model_names_the_zoo():
    with pytest.raises(ConfigError, match="the zoo has forest, logistic"): zoo.make("xgboost")
