"""The demo's content, kept as data files an editor can read (demo/data/*.json), read once per process."""

import functools
import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def demo_data(name: str) -> dict:
    """The data file `demo/data/<name>.json`, without its `about` note."""
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as data_file:
        data = json.load(data_file)
    data.pop("about", None)
    return data
