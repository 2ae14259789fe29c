"""Serve plotly.js from the installed plotly package as ``vendor/plotly/plotly.min.js``.

The charts then use the exact plotly.js the Python package was built for, with no copy in
the repository and no CDN; collectstatic and whitenoise treat it as any other static file.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

STATIC_PATH = "vendor/plotly/plotly.min.js"
SOURCE_DIR = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(SOURCE_DIR))
        self.storage.prefix = "vendor/plotly"

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != STATIC_PATH:
            return [] if find_all else None
        match = str(SOURCE_DIR / "plotly.min.js")
        return [match] if find_all else match

    def list(self, ignore_patterns):
        yield "plotly.min.js", self.storage
