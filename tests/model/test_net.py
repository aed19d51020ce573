"The PyTorch tabular network: reproducible to the bit with a seed, early stopping on later rows, checkpoints."
import numpy as np
import pytest
from mlopslab import data
from mlopslab.config import get_config
from mlopslab.model import zoo


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    fl = data.labelled(data.load_flights(months=[1, 2], sample=3000, seed=5, cfg=get_config(workspace=tmp_path_factory.mktemp("ws"))))
    tr, te = data.time_split(fl)
    return data.xy(tr), data.xy(te)


def test_same_seed_same_weights_checksum(split):
    (Xtr, ytr), _ = split
    a, b = zoo.make("net", seed=7, max_epochs=5).fit(Xtr, ytr), zoo.make("net", seed=7, max_epochs=5).fit(Xtr, ytr)
    assert a.checksum() == b.checksum()
    assert a.checksum() != zoo.make("net", seed=8, max_epochs=5).fit(Xtr, ytr).checksum()


def test_early_stopping_keeps_the_best_epoch_and_checkpoints_it(split, tmp_path):
    (Xtr, ytr), (Xte, yte) = split
    ck = tmp_path/"best.pt"
    m = zoo.make("net", seed=1, max_epochs=40, patience=2, lr=0.03, checkpoint=str(ck)).fit(Xtr, ytr)
    losses = [h["val_loss"] for h in m.history_]
    assert len(m.history_) < 40 and m.best_epoch_ == 1 + int(np.argmin(losses))
    assert len(m.history_) - m.best_epoch_ == 2                     # stopped after `patience` epochs without a gain
    import torch
    saved = torch.load(ck)
    assert all(torch.equal(saved[k], v) for k, v in m.net_.state_dict().items())
    assert 0.5 < zoo.evaluate(m, Xte, yte)["auc"] <= 1


def test_unseen_categories_get_the_rare_embedding(split):
    (Xtr, ytr), (Xte, _) = split
    m = zoo.make("net", seed=1, max_epochs=3).fit(Xtr, ytr)
    p = m.predict_proba(Xte.assign(dest="ZZZ", carrier="QQ"))[:, 1]
    assert np.isfinite(p).all() and ((0 < p) & (p < 1)).all()
