import pymorphy3.units.base


class BaseAnalyzerUnit(pymorphy3.units.base.BaseAnalyzerUnit):
    """Target for yargy's Python 3.11 hotfix, which patches this class in place.

    pymorphy3 needs no such fix, so the patch lands on this unused subclass and leaves
    pymorphy3's own analyzer units untouched.
    """
