"""Every coefficient reproduces the values its peers publish (shared/agreement/REFERENCE.md)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.agreement.measures import (
    Matches,
    Unit,
    alpha_from_counts,
    cohen_kappa,
    cohen_kappa_from_table,
    concatenate,
    fleiss_kappa,
    krippendorff_alpha,
    match_spans,
    stretch_alpha,
    summarize_stretch,
    unitizing_alpha,
)

# Krippendorff, "Computing Krippendorff's Alpha-Reliability": 4 coders x 12 units.
KA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]

# Fleiss (1971): 10 subjects, 14 raters, 5 categories.
WIKI = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip

# DKPro Statistics unitizing tests (Krippendorff 2004), continuum [150, 450).
K2004 = [
    (225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"),
    (400, 20, 1, "c"), (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"),
    (300, 50, 1, "k"),
]  # fmt: skip


def test_krippendorff_alpha_reference() -> None:
    assert krippendorff_alpha(KA) == pytest.approx(0.743421, abs=1e-6)
    assert krippendorff_alpha(KA, "interval") == pytest.approx(0.849107, abs=1e-6)


def test_alpha_from_counts_equals_the_coder_table() -> None:
    units = [Counter(v for v in column if v is not None) for column in zip(*KA, strict=True)]
    assert alpha_from_counts(units) == pytest.approx(0.743421, abs=1e-6)


def test_alpha_is_undefined_without_variation_or_pairs() -> None:
    assert krippendorff_alpha([[1, 1, 1], [1, 1, 1]]) is None  # one category
    assert krippendorff_alpha([[1, None], [None, 2]]) is None  # no unit with two values
    assert krippendorff_alpha([]) is None


def test_fleiss_kappa_reference() -> None:
    assert fleiss_kappa(WIKI) == pytest.approx(0.209931, abs=1e-6)
    assert fleiss_kappa([[3, 0], [3, 0]]) is None  # everyone always chose one category
    with pytest.raises(ValueError):
        fleiss_kappa([[2, 0], [1, 0]])


@pytest.mark.parametrize(
    ("first", "second", "kappa"),
    [
        ([0] * 40 + [1] * 60, [0] * 20 + [1] * 20 + [0] * 10 + [1] * 50, 0.3478),
        ([0] * 46 + [1] * 44 + [2] * 10, [0] * 52 + [1] * 32 + [2] * 16, 0.8013),
    ],
)
def test_cohen_kappa_reference(first: list[int], second: list[int], kappa: float) -> None:
    assert cohen_kappa(first, second) == pytest.approx(kappa, abs=1e-4)
    table = Counter(zip(first, second, strict=True))
    assert cohen_kappa_from_table(table) == pytest.approx(kappa, abs=1e-4)


def test_cohen_kappa_is_not_scotts_pi() -> None:
    # Marginals differ: pooled marginals (Scott's pi) would give another number.
    first, second = [0] * 40 + [1] * 60, [0] * 20 + [1] * 20 + [0] * 10 + [1] * 50
    pooled = Counter(first + second)
    p_e = sum((n / 200) ** 2 for n in pooled.values())
    scott = (0.7 - p_e) / (1 - p_e)
    assert abs(cohen_kappa(first, second) - scott) > 1e-3  # type: ignore[operator]


def test_cohen_kappa_undefined_cases() -> None:
    assert cohen_kappa([], []) is None
    assert cohen_kappa(["O", "O"], ["O", "O"]) is None


def test_unitizing_alpha_krippendorff_2004() -> None:
    result = unitizing_alpha(K2004, raters=2, begin=150, length=300)
    assert result.alpha == pytest.approx(0.8591, abs=0.0005)
    assert result.observed["c"] == pytest.approx(0.0144, abs=0.0001)
    assert result.expected["c"] == pytest.approx(0.0532, abs=0.0001)
    assert result.per_category["c"] == pytest.approx(0.7286, abs=0.0005)
    assert result.per_category["k"] == pytest.approx(1.0)
    shifted = [(b - 150, n, r, c) for b, n, r, c in K2004]
    again = unitizing_alpha(shifted, raters=2, begin=0, length=300)
    assert again.alpha == pytest.approx(result.alpha)


def test_unitizing_alpha_uat() -> None:
    units = [(1, 8, 0, "A"), (2, 1, 1, "A"), (4, 1, 1, "A"), (6, 1, 1, "A")]
    result = unitizing_alpha(units, raters=2, begin=0, length=10)
    assert result.observed["A"] == pytest.approx(0.9100, abs=0.0001)
    assert result.expected["A"] == pytest.approx(0.5352, abs=0.0001)
    assert result.alpha == pytest.approx(-0.7003, abs=0.0005)


def test_unitizing_alpha_degenerate_cases() -> None:
    assert unitizing_alpha([], raters=2, begin=0, length=10).alpha is None
    assert unitizing_alpha([(0, 1, 0, "X")], raters=3, begin=0, length=20).alpha == 0.0
    zero = [(5, 0, 0, "A"), (5, 0, 1, "A")]
    assert unitizing_alpha(zero, raters=2, begin=0, length=20).alpha == 0.0


def test_span_matching_exact_and_overlap() -> None:
    first = [(0, 5, "ACTOR"), (10, 15, "LOCATION"), (20, 25, "DATE")]
    second = [(0, 5, "ACTOR"), (11, 15, "LOCATION"), (20, 25, "ACTOR"), (30, 31, "DATE")]
    exact = match_spans(first, second, overlap=False)
    assert exact == Matches(1, 2, 3) and exact.f1 == pytest.approx(2 / 7)
    loose = match_spans(first, second, overlap=True)
    assert loose == Matches(2, 1, 2) and loose.f1 == pytest.approx(4 / 7)
    assert match_spans([], [], overlap=True).f1 is None
    # One to one: two short spans inside one long one match it once.
    assert match_spans([(0, 10, "A")], [(0, 3, "A"), (5, 9, "A")], overlap=True) == Matches(1, 0, 1)


@st.composite
def _documents_of_units(draw: st.DrawFn) -> list[tuple[int, list[Unit]]]:
    documents = []
    for _ in range(draw(st.integers(1, 4))):
        length = draw(st.integers(1, 40))
        units = []
        for rater in range(3):
            position = 0
            while position < length and draw(st.booleans()):
                begin = draw(st.integers(position, length - 1))
                end = draw(st.integers(begin + 1, length))
                units.append((begin, end - begin, rater, draw(st.sampled_from("AB"))))
                position = end
        documents.append((length, units))
    return documents


@given(_documents_of_units())
@settings(max_examples=60, deadline=None)
def test_stretches_laid_end_to_end_equal_one_continuum(
    documents: list[tuple[int, list[Unit]]],
) -> None:
    """The study's overall α_u comes from per-document stretches; it must equal α_u
    computed directly on the documents laid end to end."""
    whole: list[Unit] = []
    offset = 0
    for length, units in documents:
        whole += [(b + offset, n, r, c) for b, n, r, c in units]
        offset += length
    direct = unitizing_alpha(whole, 3, 0, offset)
    parts = [(summarize_stretch(units, 3, 0, length), [0, 1, 2]) for length, units in documents]
    combined = stretch_alpha(concatenate(parts), 3)
    assert combined.alpha == pytest.approx(direct.alpha)
    for category, value in direct.per_category.items():
        assert combined.per_category[category] == pytest.approx(value)
