"""A finding made once is handed out again only when everything it shows is the same."""
from __future__ import annotations

import importlib

from openness.rubric.schema import Condition

evaluate = importlib.import_module("openness.rubric.evaluate")  # the package re-exports a function of that name

AT_LEAST_ONE = Condition(signal="data.count", min=1, unmet="only {data.count} of {data.needed} named",
                         unknown="no count ({data.why})", remediation="Name them.")


def test_a_finding_follows_every_value_its_texts_name():
    first = evaluate.condition_finding("enough", AT_LEAST_ONE, {"data.count": 0, "data.needed": 3})
    again = evaluate.condition_finding("enough", AT_LEAST_ONE, {"data.count": 0, "data.needed": 3})
    other = evaluate.condition_finding("enough", AT_LEAST_ONE, {"data.count": 0, "data.needed": 4})
    missing = evaluate.condition_finding("enough", AT_LEAST_ONE, {"data.count": 0})
    assert again is first and first.message == "only 0 of 3 named"
    assert other.message == "only 0 of 4 named"
    assert missing.message == "only 0 of {data.needed} named"  # a name with no value stays visible
    assert evaluate.condition_finding("enough", AT_LEAST_ONE, {"data.count": None, "data.why": "x"}).message == "no count (x)"


def test_values_that_are_equal_but_shown_apart_get_findings_of_their_own():
    shown = [evaluate.condition_finding("enough", AT_LEAST_ONE, {"data.count": value, "data.needed": needed}).message
             for value, needed in [(0, 1), (0.0, 1), (-0.0, 1), (False, 1), (0, True), (0, "1")]]
    assert shown == ["only 0 of 1 named", "only 0.0 of 1 named", "only -0.0 of 1 named", "only no of 1 named",
                     "only 0 of yes named", "only 0 of 1 named"]


def test_a_value_that_cannot_be_a_key_is_tested_afresh():
    found = evaluate.condition_finding("enough", AT_LEAST_ONE, {"data.count": 0, "data.needed": ["a", "b"]})
    assert found.message == "only 0 of ['a', 'b'] named"


def test_fill_reads_each_placeholder_and_leaves_other_braces_alone():
    signals = {"a.b": True, "c": 2}
    assert evaluate.fill("{a.b} and {c}, {missing}, { c }, {A.b}, {c", signals) == "yes and 2, {missing}, { c }, {A.b}, {c"
    assert evaluate.fill("no placeholder", signals) == "no placeholder"


def test_the_wordless_outcome_is_the_finding_s_outcome_for_every_condition_of_every_rubric():
    from openness.rubric import load_rubric
    from openness.rubric.loader import load_frameworks

    values = [None, True, False, 0, 1, 2, 3, 0.5, "none", "unknown", "auto", "manual", "A", "D", "x", ["a"]]
    checked = 0
    for rubric in (load_rubric(), *load_frameworks().values()):
        for key, condition in rubric.conditions.items():
            for value in values:
                signals = {condition.signal: value}
                assert evaluate._outcome(condition, signals) == evaluate.condition_finding(key, condition, signals).outcome
                checked += 1
    assert checked > 1_000
