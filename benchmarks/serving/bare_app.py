"The bare peer: a FastAPI endpoint calling the native model's predict_proba, nothing else (no schema, no metrics)."
import os
import mlflow.sklearn
import pandas as pd
from fastapi import FastAPI
from mlopslab.data.flights import FEATURES

model = mlflow.sklearn.load_model(os.environ["MLOPSLAB_MODEL_URI"])
app = FastAPI()


@app.get("/health")
def health(): return {"status": "ok"}


@app.post("/predict")
def predict(body: dict):
    return {"probabilities": model.predict_proba(pd.DataFrame(body["flights"])[FEATURES])[:, 1].tolist()}
