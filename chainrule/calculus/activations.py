"""The smooth activations as sympy ``Function`` classes, each differentiating the way ML texts do.

σ′ = σ(1 − σ) rather than an exponential soup, silu′ = σ(x)(1 + x(1 − σ(x))), gelu′ =
Φ(x) + x·φ(x).  Names and definitions are PyTorch's (``torch.nn.functional``).  Each class
knows its ``definition`` in elementary functions, which is what ``expr.rewrite(target)``
returns for the targets it lists, what ``evalf`` evaluates, and what the tests differentiate
with ``sympy.diff`` to check the hand-written ``fdiff``.

>>> x = sympy.Symbol("x", real=True)
>>> sympy.diff(silu(x), x)
(x*(1 - sigmoid(x)) + 1)*sigmoid(x)
>>> gelu(x).rewrite(sympy.erf)
x*(erf(sqrt(2)*x/2)/2 + 1/2)
"""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from sympy.core.function import ArgumentIndexError
from sympy.core.logic import fuzzy_and


class ActivationBase(sympy.Function):
    """What the named activations share.

    Optional parameters follow the input, with PyTorch's ``defaults``; a parameter equal to
    its default is dropped (``leaky_relu(x, 1/100)`` is ``leaky_relu(x)``), so an expression
    shows only what differs from PyTorch.  Subclasses give ``definition`` (the formula, in
    elementary sympy), ``derivative`` (d/dx in ML form) and ``rewrites`` (the classes that
    ``rewrite`` turns them into the definition for); ``_at`` may evaluate at numbers.  The
    name ends in "Base" because sympy's printers dispatch to an intermediate class only then:
    the LaTeX printer has one ``_print_ActivationBase`` for all of them.
    """

    defaults: ClassVar[tuple[Any, ...]] = ()
    rewrites: ClassVar[tuple[Any, ...]] = ()

    @classmethod
    def eval(cls, x: Any, *params: Any) -> Any:
        kept = list(params)
        while kept and kept[-1] == cls.defaults[len(kept) - 1]:
            kept.pop()
        if len(kept) < len(params):
            return cls(x, *kept)
        return cls._at(x, *(tuple(params) + cls.defaults[len(params) :]))

    @classmethod
    def _at(cls, x: Any, *params: Any) -> Any:
        """The exact value when ``x`` (and the parameters) make one simple; else None."""
        return None

    @classmethod
    def definition(cls, x: Any, *params: Any) -> Any:
        """PyTorch's formula in elementary sympy functions.

        Args:
            x: the input.
            params: the parameters after the input, all of them (no defaults applied).

        Returns:
            A sympy expression.
        """
        raise NotImplementedError(cls.__name__)

    def derivative(self) -> Any:
        """d/dx, written the ML way (subclasses)."""
        raise NotImplementedError(type(self).__name__)

    @property
    def full_args(self) -> tuple[Any, ...]:
        """The input, then every parameter (PyTorch's default where none was given)."""
        return tuple(self.args) + type(self).defaults[len(self.args) - 1 :]

    def fdiff(self, argindex: int = 1) -> Any:
        if argindex == 1:
            return self.derivative()
        if not 1 < argindex <= len(self.args):
            raise ArgumentIndexError(self, argindex)
        # A parameter's partial: rarely asked for, so taken from the definition as it stands.
        # The parameter is replaced by a Dummy first, since x may also appear elsewhere.
        args = list(self.full_args)
        dummy = sympy.Dummy("p", real=True)
        value = args[argindex - 1]
        args[argindex - 1] = dummy
        return sympy.diff(type(self).definition(*args), dummy).subs(dummy, value)

    def _eval_rewrite(self, rule: Any, args: Any, **hints: Any) -> Any:
        if rule in type(self).rewrites:
            return type(self).definition(*(tuple(args) + type(self).defaults[len(args) - 1 :]))
        return None

    def _eval_evalf(self, prec: int) -> Any:
        return sympy.sympify(type(self).definition(*self.full_args))._eval_evalf(prec)

    def _eval_is_real(self) -> Any:
        return fuzzy_and(a.is_real for a in self.args)


def _zero_at_zero(x: Any) -> Any:
    return sympy.S.Zero if x.is_zero else None


class sigmoid(sympy.Function):  # noqa: N801 - named as users write it
    """The logistic function σ(a) = 1 / (1 + e^(−a)); σ′(a) = σ(a)(1 − σ(a))."""

    @classmethod
    def eval(cls, arg: Any) -> Any:
        if arg.is_zero:
            return sympy.Rational(1, 2)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, arg: Any, **kwargs: Any) -> Any:
        return 1 / (1 + sympy.exp(-arg))

    def _eval_evalf(self, prec: int) -> Any:
        return (1 / (1 + sympy.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _eval_is_positive(self) -> Any:
        return self.args[0].is_real


class relu(sympy.Function):  # noqa: N801
    """The rectifier relu(a) = max(0, a); relu′(a) = H(a), the Heaviside step."""

    @classmethod
    def eval(cls, arg: Any) -> Any:
        if arg.is_number and arg.is_extended_real:
            return sympy.Max(0, arg)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sympy.Heaviside(self.args[0])

    def _eval_rewrite_as_Max(  # noqa: N802 - sympy hook name
        self, arg: Any, **kwargs: Any
    ) -> Any:
        return sympy.Max(0, arg)

    def _eval_rewrite_as_Piecewise(  # noqa: N802 - sympy hook name
        self, arg: Any, **kwargs: Any
    ) -> Any:
        return sympy.Piecewise((0, arg < 0), (arg, True))

    def _eval_evalf(self, prec: int) -> Any:
        return sympy.Max(0, self.args[0])._eval_evalf(prec)

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _eval_is_nonnegative(self) -> Any:
        return self.args[0].is_real


class softplus(sympy.Function):  # noqa: N801
    """softplus(a) = ln(1 + e^a); softplus′(a) = σ(a)."""

    @classmethod
    def eval(cls, arg: Any) -> Any:
        if arg.is_zero:
            return sympy.log(2)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, arg: Any, **kwargs: Any) -> Any:
        return sympy.log(1 + sympy.exp(arg))

    def _eval_rewrite_as_exp(self, arg: Any, **kwargs: Any) -> Any:
        return sympy.log(1 + sympy.exp(arg))

    def _eval_evalf(self, prec: int) -> Any:
        return sympy.log(1 + sympy.exp(self.args[0]))._eval_evalf(prec)

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _eval_is_positive(self) -> Any:
        return self.args[0].is_real


class silu(ActivationBase):  # noqa: N801
    """silu(x) = x·σ(x) (also called swish); silu′(x) = σ(x)(1 + x(1 − σ(x)))."""

    nargs = 1
    rewrites = (sympy.exp, sigmoid)

    @classmethod
    def _at(cls, x: Any) -> Any:
        return _zero_at_zero(x)

    @classmethod
    def definition(cls, x: Any) -> Any:
        return x / (1 + sympy.exp(-x))

    def derivative(self) -> Any:
        x = self.args[0]
        return sigmoid(x) * (1 + x * (1 - sigmoid(x)))


class logsigmoid(ActivationBase):  # noqa: N801
    """logsigmoid(x) = ln σ(x) = −ln(1 + e^(−x)); logsigmoid′(x) = 1 − σ(x)."""

    nargs = 1
    rewrites = (sympy.exp, sympy.log)

    @classmethod
    def _at(cls, x: Any) -> Any:
        return -sympy.log(2) if x.is_zero else None

    @classmethod
    def definition(cls, x: Any) -> Any:
        return -sympy.log(1 + sympy.exp(-x))

    def derivative(self) -> Any:
        return 1 - sigmoid(self.args[0])

    def _eval_is_negative(self) -> Any:
        return self.args[0].is_real


class softsign(ActivationBase):  # noqa: N801
    """softsign(x) = x / (1 + |x|); softsign′(x) = 1 / (1 + |x|)²."""

    nargs = 1
    rewrites = (sympy.Abs,)

    @classmethod
    def _at(cls, x: Any) -> Any:
        return x / (1 + abs(x)) if x.is_Rational else None

    @classmethod
    def definition(cls, x: Any) -> Any:
        return x / (1 + sympy.Abs(x))

    def derivative(self) -> Any:
        x = self.args[0]
        if not x.is_extended_real:
            # |z| of a complex z is not differentiable as |x| is: sympy's own form, as for Abs.
            z = sympy.Dummy("z")
            return sympy.diff(self.definition(z), z).subs(z, x)
        return 1 / (1 + sympy.Abs(x)) ** 2


class mish(ActivationBase):  # noqa: N801
    """mish(x) = x·tanh(softplus(x)); with t = tanh(softplus(x)), mish′(x) = t + x·σ(x)(1 − t²)."""

    nargs = 1
    rewrites = (sympy.tanh, sympy.exp, sympy.log)

    @classmethod
    def _at(cls, x: Any) -> Any:
        return _zero_at_zero(x)

    @classmethod
    def definition(cls, x: Any) -> Any:
        return x * sympy.tanh(sympy.log(1 + sympy.exp(x)))

    def derivative(self) -> Any:
        x = self.args[0]
        t = sympy.tanh(softplus(x))
        return t + x * sigmoid(x) * (1 - t**2)


class normal_cdf(ActivationBase):  # noqa: N801
    """Φ(x), the standard normal distribution function; Φ′(x) = φ(x)."""

    nargs = 1
    rewrites = (sympy.erf,)

    @classmethod
    def _at(cls, x: Any) -> Any:
        return sympy.Rational(1, 2) if x.is_zero else None

    @classmethod
    def definition(cls, x: Any) -> Any:
        return (1 + sympy.erf(x / sympy.sqrt(2))) / 2

    def derivative(self) -> Any:
        return normal_pdf(self.args[0])

    def _eval_is_positive(self) -> Any:
        return self.args[0].is_real


class normal_pdf(ActivationBase):  # noqa: N801
    """φ(x) = e^(−x²/2) / √(2π), the standard normal density; φ′(x) = −x·φ(x)."""

    nargs = 1
    rewrites = (sympy.exp,)

    @classmethod
    def _at(cls, x: Any) -> Any:
        return 1 / sympy.sqrt(2 * sympy.pi) if x.is_zero else None

    @classmethod
    def definition(cls, x: Any) -> Any:
        return sympy.exp(-(x**2) / 2) / sympy.sqrt(2 * sympy.pi)

    def derivative(self) -> Any:
        return -self.args[0] * normal_pdf(self.args[0])

    def _eval_is_positive(self) -> Any:
        return self.args[0].is_real


class gelu(ActivationBase):  # noqa: N801
    """gelu(x) = x·Φ(x), exact (PyTorch's default); gelu′(x) = Φ(x) + x·φ(x)."""

    nargs = 1
    rewrites = (sympy.erf,)

    @classmethod
    def _at(cls, x: Any) -> Any:
        return _zero_at_zero(x)

    @classmethod
    def definition(cls, x: Any) -> Any:
        return x * normal_cdf.definition(x)

    def derivative(self) -> Any:
        x = self.args[0]
        return normal_cdf(x) + x * normal_pdf(x)


# The tanh approximation's cubic coefficient, as PyTorch and the GELU paper write it.
GELU_TANH_CUBIC = sympy.Float("0.044715", 60)


class gelu_tanh(ActivationBase):  # noqa: N801
    """PyTorch's ``gelu(x, approximate='tanh')``: x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))."""

    nargs = 1
    rewrites = (sympy.tanh,)

    @classmethod
    def _at(cls, x: Any) -> Any:
        return _zero_at_zero(x)

    @classmethod
    def definition(cls, x: Any) -> Any:
        return x / 2 * (1 + sympy.tanh(_gelu_tanh_inner(x)))

    def derivative(self) -> Any:
        x = self.args[0]
        t = sympy.tanh(_gelu_tanh_inner(x))
        slope = sympy.sqrt(2 / sympy.pi) * (1 + 3 * GELU_TANH_CUBIC * x**2)
        return (1 + t) / 2 + x * (1 - t**2) * slope / 2


def _gelu_tanh_inner(x: Any) -> Any:
    return sympy.sqrt(2 / sympy.pi) * (x + GELU_TANH_CUBIC * x**3)
