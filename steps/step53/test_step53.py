"""Step 53: saving and loading parameters (_flatten_params, save_weights, load_weights).

Every file is written under pytest's temporary folders. A failed save is provoked two ways:
a parameter that cannot be saved (an object array holding a lambda, which pickle refuses
halfway through the write) and np.savez_compressed replaced by a stand-in for a full disk.
"""

import os

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import to_array

SIZES = st.lists(st.integers(1, 5), min_size=1, max_size=4)  # the fc_output_sizes of an MLP
IN_SIZES = st.integers(1, 5)


def _mlp(dz, sizes, in_size, seed):
    """An MLP whose weights are made (seeded) by one forward pass on a (2, in_size) input."""
    np.random.seed(seed)
    model = dz.models.MLP(tuple(sizes))
    model(np.ones((2, in_size), dtype=np.float32))
    return model


def _snapshot(model):
    return [to_array(p).copy() for p in model.params()]


def _assert_unchanged(model, before, what):
    after = _snapshot(model)
    same = len(after) == len(before) and all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(after, before, strict=True))
    assert same, f"{what} changed the model's parameters: on any error, load_weights must change nothing"


def _failing_savez(file, *args, **kwds):
    """Stands for np.savez_compressed on a full disk: it writes a few bytes, then fails."""
    if hasattr(file, "write"):
        file.write(b"PK\x03\x04 partial")
    else:
        name = os.fspath(file)
        with open(name if name.endswith(".npz") else name + ".npz", "wb") as f:
            f.write(b"PK\x03\x04 partial")
    raise OSError(28, "No space left on device")


@pytest.mark.grade(points=2, todo="step53.1")
def test_flatten_params_keys_are_attribute_paths(dz):
    """_flatten_params gives every Parameter under its path of attribute names: l0/W, l0/b, block/fc/W, ..."""
    model = _mlp(dz, [3, 2], 4, seed=0)
    model.block = dz.Layer()
    model.block.fc = dz.layers.Linear(2, in_size=3)
    params_dict = {}
    model._flatten_params(params_dict)
    expected = {"l0/W": model.l0.W, "l0/b": model.l0.b, "l1/W": model.l1.W, "l1/b": model.l1.b,
                "block/fc/W": model.block.fc.W, "block/fc/b": model.block.fc.b}
    assert sorted(params_dict) == sorted(expected), f"keys {sorted(params_dict)}"
    assert all(params_dict[k] is p for k, p in expected.items()), "a key maps to the wrong Parameter"


@pytest.mark.grade(points=2, todo="step53.2")
def test_save_weights_writes_npz_with_path_keys(dz, tmp_path):
    """save_weights(path) writes an .npz file holding each parameter's array under its key."""
    model = _mlp(dz, [3, 2], 4, seed=0)
    path = tmp_path / "my_mlp.npz"
    weights = {key: to_array(layer.W).copy() for key, layer in (("l0", model.l0), ("l1", model.l1))}
    model.save_weights(str(path))
    with np.load(path) as npz:
        assert sorted(npz.files) == ["l0/W", "l0/b", "l1/W", "l1/b"], f"the file holds {npz.files}"
        for key, W in weights.items():
            np.testing.assert_array_equal(npz[f"{key}/W"], W, err_msg=f"{key}/W")
            assert npz[f"{key}/W"].dtype == np.float32, f"{key}/W saved as {npz[f'{key}/W'].dtype}"
    assert os.listdir(tmp_path) == ["my_mlp.npz"], f"files left in the folder: {os.listdir(tmp_path)}"


@pytest.mark.grade(points=3, todo="step53.4")
@given(sizes=SIZES, in_size=IN_SIZES)
@example(sizes=[1000, 10], in_size=8)
def test_save_load_round_trip_any_mlp(dz, tmp_path_factory, sizes, in_size):
    """For any MLP shape, load_weights of what save_weights wrote restores every parameter and output."""
    path = tmp_path_factory.mktemp("round_trip") / "model.npz"
    saved, loaded = _mlp(dz, sizes, in_size, seed=0), _mlp(dz, sizes, in_size, seed=1)
    x = np.linspace(-1, 1, 3 * in_size, dtype=np.float32).reshape(3, in_size)
    params, output = _snapshot(saved), to_array(saved(x.copy())).copy()  # before the save runs
    saved.save_weights(str(path))
    loaded.load_weights(str(path))
    for got, want in zip(_snapshot(loaded), params, strict=True):
        assert got.dtype == want.dtype and np.array_equal(got, want), f"MLP{tuple(sizes)}: parameters differ"
    np.testing.assert_array_equal(to_array(loaded(x.copy())), output)


@pytest.mark.grade(points=1, todo="step53.4")
def test_load_weights_into_model_never_run(dz, tmp_path):
    """A new MLP, whose W are not made yet, loads the file and computes what the saved model computed."""
    path = str(tmp_path / "my_mlp.npz")
    saved = _mlp(dz, [5, 3], 4, seed=0)
    x = np.ones((2, 4), dtype=np.float32)
    output = to_array(saved(x.copy())).copy()  # before the save runs
    saved.save_weights(path)
    fresh = dz.models.MLP((5, 3))
    fresh.load_weights(path)
    np.testing.assert_array_equal(to_array(fresh(x.copy())), output)


@pytest.mark.grade(points=2, todo="step53.2")
def test_save_weights_failure_leaves_no_partial_file(dz, tmp_path):
    """A save that fails halfway (a parameter pickle refuses) raises and leaves no file behind."""
    model = _mlp(dz, [3, 2], 4, seed=0)
    model.bad = dz.Parameter(np.array([lambda: 0], dtype=object))
    with pytest.raises(Exception) as info:
        model.save_weights(str(tmp_path / "my_mlp.npz"))
    if isinstance(info.value, NotImplementedError):
        raise info.value
    assert os.listdir(tmp_path) == [], f"a failed save left {os.listdir(tmp_path)}: write to a temporary file"


@pytest.mark.grade(points=2, todo="step53.2")
def test_save_weights_failure_keeps_older_file(dz, tmp_path, monkeypatch):
    """When the write fails (disk full), the older my_mlp.npz stays byte for byte and nothing else is left."""
    path = tmp_path / "my_mlp.npz"
    _mlp(dz, [3, 2], 4, seed=0).save_weights(str(path))
    before = path.read_bytes()
    monkeypatch.setattr(np, "savez_compressed", _failing_savez)
    with pytest.raises(OSError):
        _mlp(dz, [3, 2], 4, seed=1).save_weights(str(path))
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["my_mlp.npz"], f"files in the folder: {os.listdir(tmp_path)}"
    assert path.read_bytes() == before, "the failed save damaged the older file: replace it when complete"


@pytest.mark.grade(points=3, todo="step53.4")
@given(sizes=SIZES, at=st.integers(0, 3), delta=st.integers(1, 3))
@example(sizes=[3, 4, 2], at=1, delta=1)
def test_load_weights_other_shape_names_key_and_shapes(dz, tmp_path_factory, sizes, at, delta):
    """Loading into an MLP of another shape: a ValueError names the first mismatched key and both shapes."""
    at = at % len(sizes)
    other = [s + delta if i == at else s for i, s in enumerate(sizes)]
    path = str(tmp_path_factory.mktemp("shape") / "model.npz")
    _mlp(dz, sizes, 3, seed=0).save_weights(path)
    model = _mlp(dz, other, 3, seed=1)
    before = _snapshot(model)
    with pytest.raises(ValueError) as info:
        model.load_weights(path)
    prev = 3 if at == 0 else sizes[at - 1]
    message = str(info.value)
    for part in (f"l{at}/W", str((prev, sizes[at])), str((prev, other[at]))):
        assert part in message, f"the message {message!r} does not name {part}"
    _assert_unchanged(model, before, "a failed load")


@pytest.mark.grade(points=2, todo="step53.3")
def test_load_weights_missing_file_names_it(dz, tmp_path):
    """Loading a file that does not exist raises an error naming it, and changes nothing."""
    model = _mlp(dz, [3, 2], 4, seed=0)
    before = _snapshot(model)
    path = tmp_path / "no_such_file.npz"
    with pytest.raises((OSError, ValueError)) as info:
        model.load_weights(str(path))
    assert path.name in str(info.value), f"the message {str(info.value)!r} does not name the file"
    _assert_unchanged(model, before, "loading a missing file")


@pytest.mark.grade(points=2, todo="step53.3")
def test_load_weights_corrupt_file_names_it(dz, tmp_path):
    """Loading a file that is not an .npz (text, or empty) raises an error naming it, and changes nothing."""
    model = _mlp(dz, [3, 2], 4, seed=0)
    before = _snapshot(model)
    for name, content in (("text.npz", b"these are not weights"), ("empty.npz", b"")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises((OSError, ValueError)) as info:
            model.load_weights(str(path))
        assert name in str(info.value), f"{name}: the message {str(info.value)!r} does not name the file"
        _assert_unchanged(model, before, f"loading {name}")


@pytest.mark.grade(points=1, todo="step53.4")
def test_demo_goes_on_from_saved_file(script, tmp_path, monkeypatch, capsys):
    """Run twice, the demo saves my_mlp.npz, loads it on the second run and starts from a lower loss."""
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))  # an empty cache: the demo uses Digits
    path = str(tmp_path / "my_mlp.npz")
    script.main(max_epoch=1, hidden_size=30, path=path)
    first = capsys.readouterr().out
    script.main(max_epoch=1, hidden_size=30, path=path)
    second = capsys.readouterr().out
    assert "Digits" in first and "loaded" in second, f"outputs:\n{first}\n{second}"
    loss = [float(out.rsplit("loss:", 1)[1]) for out in (first, second)]
    assert loss[1] < loss[0], f"the second run's loss {loss[1]} is not below the first run's {loss[0]}"
