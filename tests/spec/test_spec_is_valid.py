"""spec/openapi.yaml is a valid OpenAPI 3.1 document."""

from pathlib import Path

import yaml
from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"


def test_spec_is_a_valid_openapi_3_1_document():
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.1")
    validate(spec)
