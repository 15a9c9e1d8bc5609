"""pymorphy2 import names served by pymorphy3 (see the shim's README)."""

from pymorphy3 import MorphAnalyzer
from pymorphy3.version import __version__

__all__ = ["MorphAnalyzer", "__version__"]
