from pymorphy3.analyzer import MorphAnalyzer, Parse

__all__ = ["MorphAnalyzer", "Parse"]
