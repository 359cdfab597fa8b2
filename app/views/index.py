"""The home page."""
from flask_appbuilder import IndexView


class ConsoleIndexView(IndexView):
    index_template = "index.html"
