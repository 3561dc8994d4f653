"""The reference has the official package's public API: every name, kind and signature.

official_api.json holds the official package's names (api_surface.describe() run on it)
and the reference's intended differences, each with its reason. Any other difference
fails, and so does a listed difference that is gone (the list must say what is true).
"""

import json
import subprocess
import sys
from pathlib import Path

import api_surface
import pytest

API = json.loads((Path(__file__).with_name("official_api.json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ours():
    return api_surface.describe()


def test_every_official_name_is_here_with_its_signature(ours):
    listed = API["differences"]
    diffs = api_surface.compare(API["official"], ours)
    unexpected = {
        path: f"official {off!r}, reference {mine!r}"
        for path, (off, mine) in diffs.items()
        if path not in listed or listed[path]["reference"] != mine
    }
    assert not unexpected, "differences from the official API that official_api.json does not list:\n" + \
        "\n".join(f"  {path}: {text}" for path, text in sorted(unexpected.items()))
    gone = sorted(set(listed) - set(diffs))
    assert not gone, f"listed as differences but now as the official package has them: {gone}"


def test_every_intended_difference_says_why():
    for path, entry in API["differences"].items():
        assert entry["reason"].strip() and "\n" not in entry["reason"], path
        assert path in API["official"], f"{path} is not an official name"


def test_the_description_sees_kinds_defaults_and_aliases(ours):
    assert ours["dezero.utils.gradient_check"] == "function (f, x, *args, rtol=0.0001, atol=1e-05, **kwargs)"
    assert ours["dezero.transforms.Resize"] == "class (size, mode=2)"
    assert ours["dezero.utils.cache_dir"] == "value str"
    assert ours["dezero.functions.Variable"] == "alias dezero.core.Variable"
    mnist = "class (train=True, transform=Compose(transforms=[Flatten(), AsType(dtype=numpy.float32), "
    assert ours["dezero.datasets.MNIST"].startswith(mnist)
    assert ours["dezero.layers.RNN.reset_state"] == "function (self)"


def test_a_changed_signature_is_caught():
    official = {"dezero.utils.pair": "function (x)", "dezero.utils.Variable": "alias dezero.core.Variable",
                "dezero.core.Variable": "class (data, name=None)",
                "dezero.core.Variable.unchain": "function (self)"}
    ours = {"dezero.utils.pair": "function (x, y=1)", "dezero.utils.Variable": "class (data)",
            "dezero.core.Variable": "class (data, name=None)"}
    assert api_surface.compare(official, ours) == {
        "dezero.core.Variable.unchain": ["function (self)", None],
        "dezero.utils.Variable": ["alias dezero.core.Variable", "class (data)"],
        "dezero.utils.pair": ["function (x)", "function (x, y=1)"],
    }


def test_the_books_optional_names_import_nothing_optional():
    """core_simple, transforms, dataloaders.pil_available and datasets.cache_dir need numpy alone."""
    code = ("import sys, dezero, dezero.core_simple, dezero.transforms, dezero.dataloaders as d; "
            "d.pil_available; dezero.datasets.cache_dir; dezero.utils.gradient_check; "
            "print(sorted(m for m in ('matplotlib', 'PIL', 'IPython') if m in sys.modules))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
