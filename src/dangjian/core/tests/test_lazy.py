"""Functions named by dotted path, imported on their first call (the registries' lazy entries)."""

import sys

import pytest

from dangjian.core.lazy import LazyFunction, lazy_function


def test_the_module_is_imported_on_the_first_call_and_the_function_kept():
    sys.modules.pop("colorsys", None)
    function = LazyFunction("colorsys.rgb_to_hsv")
    assert "colorsys" not in sys.modules
    assert function(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert "colorsys" in sys.modules
    assert function.resolve() is sys.modules["colorsys"].rgb_to_hsv


def test_a_function_is_taken_as_it_is_and_a_path_made_lazy():
    assert lazy_function(len) is len
    assert isinstance(lazy_function("os.path.join"), LazyFunction)


def test_a_name_without_a_module_is_refused_at_once():
    with pytest.raises(ValueError, match="dotted path"):
        LazyFunction("join")


def test_a_wrong_path_fails_when_called():
    function = LazyFunction("os.path.no_such_function")
    with pytest.raises(ImportError):
        function("a")
