"""Lean graphs: a graph keeps only the arrays that some backward reads (as Chainer's retained
inputs and outputs).

A Function keeps its inputs, so the graph holds every Variable on it and, through them, every
ndarray of the forward pass. Most backward passes read few of them: Sigmoid reads its output,
Linear its inputs, Add and Reshape only shapes. Each Function says what its backward reads
with two class attributes, `reads_inputs` and `reads_outputs` (core.Function: both True, so a
Function of your own keeps everything, as in the book; Sigmoid sets reads_inputs = False).

The data of a Variable v can go when nothing will ever read it:
  - v was made by a function (a leaf is the user's data or a parameter) that does not read
    its outputs;
  - the one function v was passed to does not read its inputs;
  - nothing else holds v: the list f.inputs of that function is its only reference, so no
    name or list of the user's code can reach it any more (the reference counts of step 17,
    read with sys.getrefcount). A Variable you hold keeps its data; one you reach through
    the graph (y.creator.inputs[0]) or a weak reference (Layer.outputs) may show a Released;
  - the array has MIN_BYTES (1 KiB) or more: a smaller one is not worth the check, so graphs
    of scalars and small arrays (the book's steps up to 36) keep every value.
The check runs when a function is called on y: the expression that made y has finished by
then, so its temporaries are gone, and the inputs of y's creator are looked at
(Function.__call__ calls release_unread). In an MLP, `sigmoid(layer(x))` leaves the linear
output h only in Sigmoid.inputs; when the next layer is called on sigmoid's output, h's array
is let go: Linear does not read its output and Sigmoid does not read its input.

What stays of the array is a Released: its shape and dtype. Backward passes read shapes (Add
sums a broadcast grad back to its input's shape) and the DOT labels of dezero.utils show shape
and dtype; anything else (values, arithmetic) fails loudly instead of computing garbage.
"""

import math
import sys


class Released:
    """What a Variable keeps of an ndarray that nothing will read again: its shape and dtype."""

    __slots__ = ("shape", "dtype")
    nbytes = 0  # what it holds: nothing to release twice
    __array_ufunc__ = None  # numpy refuses it as an operand (a TypeError, never a silent result)

    def __init__(self, array):
        self.shape = array.shape
        self.dtype = array.dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return math.prod(self.shape)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __repr__(self):
        return f"released({self.shape}, {self.dtype})"


def _counts(variables):
    """The reference count of each item as this comprehension sees it."""
    return [sys.getrefcount(v) for v in variables]


def _count_of_an_item_only_a_list_holds():
    probe = [object()]
    for _ in range(100):  # the interpreter specialises code once warm: count as warm code does
        _counts(probe)
    return _counts(probe)[0]


# A smaller array stays: letting it go would save less than a Released and the check cost.
MIN_BYTES = 1024

# None where reference counts cannot be read (PyPy): then nothing is released
ALONE = _count_of_an_item_only_a_list_holds() if hasattr(sys, "getrefcount") else None


def release_unread(inputs):
    """Called with the inputs of a function call: let go of what their creators keep unread."""
    for x in inputs:
        f = x.creator
        if f is not None and not f.reads_inputs:
            _release_inputs_of(f)


def _release_inputs_of(f):
    """Release the data of f's inputs that f does not read and that nothing else holds."""
    inputs = f.inputs
    if not _any_big(inputs):  # the cheap check first: in graphs of small arrays, no count
        return
    for x, count in zip(inputs, _counts(inputs), strict=True):
        if count == ALONE and _worth_releasing(x):
            x.data = Released(x.data)


def _any_big(variables):
    """Whether one of the variables holds MIN_BYTES or more (a loop of its own: a name bound
    here would add to the reference counts read next)."""
    for x in variables:
        data = x.data
        if data is not None and data.nbytes >= MIN_BYTES:
            return True
    return False


def _worth_releasing(x):
    """x holds an array of MIN_BYTES or more, and x's creator does not read its outputs."""
    creator = x.creator
    return (creator is not None and getattr(x.data, "nbytes", 0) >= MIN_BYTES
            and not creator.reads_outputs)
