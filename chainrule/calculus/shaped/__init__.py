"""The shape-aware chain rule: Terms with declared shapes → shaped nodes (``build``), smart
constructors that keep gradients short (``algebra``), one backward rule per operation
(``rules``: the vector–Jacobian products) and the reverse pass in backprop order
(``backprop``).  The scalar chain rule is untouched: a program takes this path only when
a shape is declared."""
