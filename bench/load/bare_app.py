"""The baseline: a Flask app whose one route returns "ok" (served by the same gunicorn settings as Abonent)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
@app.get("/t/uralnet/")
def ok() -> str:
    return "ok"
