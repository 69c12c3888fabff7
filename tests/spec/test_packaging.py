"""The distribution ``openai-uploads`` ships two typed import packages."""

import importlib
import importlib.metadata
from pathlib import Path

import pytest

import openai_uploads

PACKAGES = ("openai_uploads", "openai_uploads_client")


@pytest.mark.parametrize("name", PACKAGES)
def test_package_imports(name):
    assert importlib.import_module(name).__name__ == name


@pytest.mark.parametrize("name", PACKAGES)
def test_package_ships_py_typed(name):
    package = importlib.import_module(name)
    assert (Path(package.__file__).parent / "py.typed").is_file()


def test_version_is_the_distribution_version():
    assert openai_uploads.__version__ == importlib.metadata.version("openai-uploads")
