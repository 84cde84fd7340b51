"""Breaking long rows: between terms first, then between factors, never inside a factor that
fits on a line."""

from __future__ import annotations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.render.printers.unicode import to_unicode
from chainrule.render.rows import FACTOR, NOTE, OP, SYMBOL, Part, Row
from chainrule.render.wrap import PRODUCT, SUM, Break, pieces, rank, row_breaks, scan_unicode, wrap

x, y, z = sympy.symbols("x y z")


def lines_of(row: Row, width: int, rest: int | None = None) -> list[str]:
    return pieces(row.text, wrap(row, scan_unicode, len, width, rest))


def one(text: str) -> Row:
    return Row((Part(text),))


def test_breaks_are_sums_and_products_ranked_by_depth() -> None:
    text = "x·σ(u)(1 − σ(u)) + y"
    assert scan_unicode(text) == [
        Break(1, rank(0, PRODUCT)),  # x·σ
        Break(6, rank(0, PRODUCT), juxtaposed=True),  # σ(u)(1 − …
        Break(9, rank(1, SUM)),  # inside the bracket
        Break(17, rank(0, SUM)),  # + y
    ]
    assert scan_unicode("−x·y") == [Break(2, rank(0, PRODUCT))]  # a leading sign is no break
    assert scan_unicode("|x + y|·z") == [Break(3, rank(1, SUM)), Break(7, rank(0, PRODUCT))]
    assert scan_unicode("{1 if x > 0; 0 otherwise}") == []


def test_a_row_that_fits_is_one_line() -> None:
    assert lines_of(one("σ(u)(1 − σ(u))(h − y)"), 40) == ["σ(u)(1 − σ(u))(h − y)"]


def test_sums_break_before_products_and_factors_stay_whole() -> None:
    row = one("x·σ(u)(1 − σ(u)) + w₂·σ(v)(1 − σ(v))(h₂ − y) − y")
    assert lines_of(row, 30) == ["x·σ(u)(1 − σ(u))", "+ w₂·σ(v)(1 − σ(v))(h₂ − y)", "− y"]
    # Narrower, a term that does not fit breaks between its factors, on a line of its own.
    assert lines_of(row, 20) == [
        "x·σ(u)(1 − σ(u))",
        "+ w₂·σ(v)(1 − σ(v))",
        "(h₂ − y) − y",
    ]


def test_a_factor_wider_than_the_line_breaks_inside_it() -> None:
    row = one("x·(h₂ + w₂·σ(v)(1 − σ(v))(h₂ − y) − y)")
    assert lines_of(row, 30) == ["x", "·(h₂", "+ w₂·σ(v)(1 − σ(v))(h₂ − y)", "− y)"]


def test_juxtaposed_factors_are_marked_for_a_product_sign() -> None:
    row = one("σ(u)(1 − σ(u))")
    lines = wrap(row, scan_unicode, len, 10)
    assert [line.juxtaposed for line in lines] == [False, True]


def test_chains_break_at_their_own_operators_before_inside_a_factor() -> None:
    row = Row(
        (
            Part("(z − y)", FACTOR, 0),
            Part(" · ", OP),
            Part("σ(a)(1 − σ(a))", FACTOR, 1),
            Part(" · ", OP),
            Part("x", FACTOR, 2),
        )
    )
    assert lines_of(row, 20) == ["(z − y)", "· σ(a)(1 − σ(a)) · x"]
    # Inside a part every rank is one level down: the chain's own · come first.
    assert [b.rank for b in row_breaks(row, scan_unicode)] == [
        rank(2, SUM),  # z − y
        rank(0, PRODUCT),  # the chain's first ·
        rank(1, PRODUCT),  # σ(a)(1 − σ(a))
        rank(2, SUM),  # 1 − σ(a)
        rank(0, PRODUCT),
    ]


def test_a_note_moves_to_its_own_line_first() -> None:
    row = Row(
        (
            Part("∂L/∂z", SYMBOL),
            Part(" · ", OP),
            Part("∂z/∂h", SYMBOL, 1),
            Part("   ", OP),
            Part("(reuses ∂L/∂z)", NOTE),
        )
    )
    assert lines_of(row, 40) == ["∂L/∂z · ∂z/∂h   (reuses ∂L/∂z)"]
    assert lines_of(row, 20) == ["∂L/∂z · ∂z/∂h", "(reuses ∂L/∂z)"]


def test_later_lines_may_have_less_room() -> None:
    row = one("a + b + c + d")
    assert lines_of(row, 9, 5) == ["a + b + c", "+ d"]
    assert lines_of(row, 5, 5) == ["a + b", "+ c", "+ d"]


def _depths(text: str) -> list[int]:
    """How many brackets are open before each character of ``text``."""
    out, depth = [], 0
    for ch in text:
        depth -= ch == ")"
        out.append(depth)
        depth += ch == "("
    return out


def _factors(text: str) -> list[tuple[int, int]]:
    """(start, end) of every bracketed factor in ``text``, a call's name included."""
    out, stack = [], []
    for i, ch in enumerate(text):
        if ch == "(":
            start = i
            while start and text[start - 1].isalpha():
                start -= 1
            stack.append(start)
        elif ch == ")" and stack:
            out.append((stack.pop(), i + 1))
    return out


_EXPRS = st.recursive(
    st.sampled_from([x, y, z, sympy.Integer(2)]),
    lambda sub: st.one_of(
        st.lists(sub, min_size=2, max_size=3).map(lambda a: sympy.Add(*a)),
        st.lists(sub, min_size=2, max_size=3).map(lambda a: sympy.Mul(*a)),
        sub.map(sympy.sin),
        st.tuples(sub, sub).map(lambda a: a[0] - a[1]),
    ),
    max_leaves=14,
)


@settings(max_examples=150, deadline=None)
@given(_EXPRS, st.integers(4, 40))
def test_a_factor_is_split_only_when_what_holds_it_is_too_wide(
    expr: sympy.Expr, width: int
) -> None:
    text = to_unicode(expr)
    lines = wrap(one(text), scan_unicode, len, width)
    assert "".join(text[line.start : line.end] for line in lines) == text
    cuts = [line.start for line in lines[1:]]
    depths = _depths(text)
    breaks = [b.at for b in scan_unicode(text)]
    for start, end in _factors(text):
        if not any(start < cut < end for cut in cuts):
            continue
        # The piece around the factor between the nearest breaks outside it: had it fitted,
        # the line would have broken there instead.
        level = depths[start]
        left = max((b for b in breaks if b <= start and depths[b] <= level), default=0)
        right = min((b for b in breaks if b >= end and depths[b] <= level), default=len(text))
        assert len(text[left:right].strip()) > width, (text, width, text[start:end])
