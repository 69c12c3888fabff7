"""spec/openapi.yaml honours the official contract of the four Uploads operations.

The reference is an excerpt of OpenAI's own OpenAPI document, kept outside this
repository: ``../shared/reference/openai-uploads-spec-excerpt.yaml`` beside the checkout,
or the file ``OPENAI_UPLOADS_REFERENCE`` names (``scripts/extract_reference.py`` makes
one from a full official spec). Without it every case is skipped with that reason,
except in CI (``CI=true``), where a missing reference is a failure.

Our spec may differ from it only as ``spec/contract-allowlist.yaml`` lists, each
difference with its reason: request enum additions, bounds the reference lacks, open
response enums (``anyOf: [enum, string]``), response fields that may be null or absent,
and annotation-only formats (``unixtime``). Everything else -- paths, methods,
parameters, request fields, required flags, types, formats, bounds, response properties
and required lists -- must match, and an allow-list entry that no longer matches a
difference fails too.
"""

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "spec" / "openapi.yaml"
REFERENCE_PATH = Path(
    os.environ.get("OPENAI_UPLOADS_REFERENCE")
    or REPO_ROOT.parent / "shared" / "reference" / "openai-uploads-spec-excerpt.yaml"
)
ALLOWLIST_PATH = REPO_ROOT / "spec" / "contract-allowlist.yaml"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

UPLOADS_OPERATIONS = ("createUpload", "addUploadPart", "completeUpload", "cancelUpload")
RESPONSE_SCHEMAS = ("Upload", "UploadPart", "OpenAIFile", "ErrorResponse", "Error")

ALLOWED = yaml.safe_load(ALLOWLIST_PATH.read_text(encoding="utf-8"))
# Values a request enum has beyond the reference's.
REQUEST_ENUM_ADDITIONS = {
    field: set(entry["values"]) for field, entry in ALLOWED["request_enum_additions"].items()
}
# Bounds a request field has where the reference has none.
REQUEST_BOUNDS_ADDITIONS = {
    field: entry["bounds"] for field, entry in ALLOWED["request_bounds_additions"].items()
}
# Response fields that must keep a value unknown to this client as a plain string.
OPEN_ENUM_RESPONSE_FIELDS = tuple(ALLOWED["open_enum_response_fields"])
# Response fields the reference requires that this client parses when absent.
OPTIONAL_IN_RESPONSES: dict[str, set[str]] = {}
for _dotted in ALLOWED["optional_in_responses"]:
    _schema, _field = _dotted.split(".")
    OPTIONAL_IN_RESPONSES.setdefault(_schema, set()).add(_field)
# JSON types a response field accepts beyond the reference's.
RESPONSE_TYPE_WIDENINGS = {
    field: set(entry["types"]) for field, entry in ALLOWED["response_type_widenings"].items()
}
BOUND_KEYWORDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)
# Formats that are documentation only; the wire value is the plain type.
ANNOTATION_FORMATS = set(ALLOWED["annotation_formats"])

REFERENCE_ABSENT = (
    f"reference contract not found at {REFERENCE_PATH} "
    "(set OPENAI_UPLOADS_REFERENCE to an excerpt made by scripts/extract_reference.py)"
)


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


OURS = _load(SPEC_PATH)
REFERENCE = _load(REFERENCE_PATH) if REFERENCE_PATH.is_file() else None


# --- reading an OpenAPI document -------------------------------------------------------


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s until a node that is not a reference."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local $refs are supported, got {ref!r}"
        assert ref not in seen, f"$ref cycle at {ref!r}"
        seen.add(ref)
        node = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def ref_name(node: Any) -> str | None:
    """The component name a schema points at (``Upload`` for ``#/.../Upload``)."""
    if isinstance(node, dict) and "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    return None


def find_operation(doc: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return path, method, operation
    raise AssertionError(f"no operation {operation_id!r}")


def branches(doc: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    """The schema and every allOf/anyOf/oneOf branch beneath it, all resolved."""
    schema = resolve(doc, schema)
    found = [schema]
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(keyword, []):
            found.extend(branches(doc, branch))
    return found


def types_of(doc: dict[str, Any], schema: Any) -> set[str]:
    """The JSON types a schema accepts, with arrays as ``array[item types]``."""
    found: set[str] = set()
    for branch in branches(doc, schema):
        declared = branch.get("type")
        names = [declared] if isinstance(declared, str) else list(declared or [])
        if not names and "properties" in branch:
            names = ["object"]
        for name in names:
            if name == "array" and "items" in branch:
                items = ",".join(sorted(types_of(doc, branch["items"])))
                name = f"array[{items}]"
            found.add(name)
        if branch.get("nullable") is True:  # 3.0 style, as the reference uses it
            found.add("null")
    return found


def enum_of(doc: dict[str, Any], schema: Any) -> set[Any]:
    return {value for branch in branches(doc, schema) for value in branch.get("enum", [])}


def formats_of(doc: dict[str, Any], schema: Any) -> set[str]:
    found = {branch["format"] for branch in branches(doc, schema) if "format" in branch}
    return found - ANNOTATION_FORMATS


def bounds_of(doc: dict[str, Any], schema: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for branch in branches(doc, schema):
        found.update({key: branch[key] for key in BOUND_KEYWORDS if key in branch})
    return found


def properties_of(doc: dict[str, Any], schema: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for branch in branches(doc, schema):
        found.update(branch.get("properties", {}))
    return found


def required_of(doc: dict[str, Any], schema: Any) -> set[str]:
    schema = resolve(doc, schema)
    found = set(schema.get("required", []))
    for branch in schema.get("allOf", []):
        found |= required_of(doc, branch)
    return found


def request_schema(doc: dict[str, Any], operation_id: str) -> Any | None:
    body = resolve(doc, find_operation(doc, operation_id)[2].get("requestBody"))
    if body is None:
        return None
    (media,) = body["content"].values()
    return media["schema"]


def request_objects(doc: dict[str, Any]) -> dict[str, Any]:
    """Every object schema a request body contains, keyed ``operation[.field...]``."""
    found: dict[str, Any] = {}

    def walk(key: str, schema: Any) -> None:
        found[key] = schema
        for name, field in properties_of(doc, schema).items():
            if properties_of(doc, field):
                walk(f"{key}.{name}", field)

    for operation_id in UPLOADS_OPERATIONS:
        schema = request_schema(doc, operation_id)
        if schema is not None:
            walk(operation_id, schema)
    return found


def request_object_at(doc: dict[str, Any], dotted: str) -> Any:
    """``createUpload.expires_after`` -> the request's object schema at that place."""
    operation_id, *names = dotted.split(".")
    schema = request_schema(doc, operation_id)
    for name in names:
        schema = properties_of(doc, schema)[name]
    return schema


def field_at(doc: dict[str, Any], dotted: str) -> tuple[Any, str, Any]:
    """``createUpload.expires_after.seconds`` -> (parent object schema, name, field schema)."""
    parent_key, name = dotted.rsplit(".", 1)
    parent = request_object_at(doc, parent_key)
    return parent, name, properties_of(doc, parent).get(name)


def object_components(doc: dict[str, Any], schema: Any) -> set[str]:
    """Names of the object components a schema is (or is one alternative of)."""
    found = set()
    name = ref_name(schema)
    if name is not None:
        if properties_of(doc, schema):
            found.add(name)
        return found
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(keyword, []):
            found |= object_components(doc, branch)
    return found


# --- the cases, taken from the reference ------------------------------------------------


def cases(build) -> list[Any]:
    """Parameters built from the reference, or one case that skips (fails in CI) without."""
    if REFERENCE is None:
        return [pytest.param(None, id="reference-absent")]
    return sorted(build(REFERENCE))


def request_field_cases(doc: dict[str, Any]) -> list[str]:
    return [
        f"{key}.{name}"
        for key, schema in request_objects(doc).items()
        for name in properties_of(doc, schema)
    ]


def response_field_cases(doc: dict[str, Any]) -> list[str]:
    return [
        f"{schema}.{name}"
        for schema in RESPONSE_SCHEMAS
        for name in properties_of(doc, doc["components"]["schemas"][schema])
    ]


def parameter_cases(doc: dict[str, Any]) -> list[str]:
    return [
        f"{operation_id}.{resolve(doc, parameter)['name']}"
        for operation_id in UPLOADS_OPERATIONS
        for parameter in find_operation(doc, operation_id)[2].get("parameters", [])
    ]


def parameters_by_name(doc: dict[str, Any], operation_id: str) -> dict[str, dict[str, Any]]:
    parameters = find_operation(doc, operation_id)[2].get("parameters", [])
    return {p["name"]: p for p in (resolve(doc, parameter) for parameter in parameters)}


def response_schema(doc: dict[str, Any], dotted: str) -> tuple[Any, str, Any]:
    schema_name, field = dotted.split(".")
    schema = doc["components"]["schemas"][schema_name]
    return schema, field, properties_of(doc, schema).get(field)


def our_request_field(field: str) -> Any:
    schema = field_at(OURS, field)[2]
    assert schema is not None, f"{field} is missing from spec/openapi.yaml"
    return schema


def our_response_field(field: str) -> Any:
    schema = response_schema(OURS, field)[2]
    assert schema is not None, f"{field} is missing from spec/openapi.yaml"
    return schema


OPERATION_CASES = cases(lambda doc: list(UPLOADS_OPERATIONS))
REQUEST_OBJECT_CASES = cases(lambda doc: list(request_objects(doc)))
REQUEST_FIELD_CASES = cases(request_field_cases)
PARAMETER_CASES = cases(parameter_cases)
RESPONSE_SCHEMA_CASES = cases(lambda doc: list(RESPONSE_SCHEMAS))
RESPONSE_FIELD_CASES = cases(response_field_cases)
RESPONSE_OBJECT_FIELD_CASES = cases(
    lambda doc: [
        field
        for field in response_field_cases(doc)
        if object_components(doc, response_schema(doc, field)[2])
    ]
)


def missing_reference() -> None:
    """Skip without the reference; in CI, fail: the contract must never go unchecked."""
    if IN_CI:
        pytest.fail(f"{REFERENCE_ABSENT}; in CI the contract tests must run", pytrace=False)
    pytest.skip(REFERENCE_ABSENT)


@pytest.fixture
def reference() -> dict[str, Any]:
    if REFERENCE is None:
        missing_reference()
    assert REFERENCE is not None
    return REFERENCE


def test_reference_contract_is_present():
    if REFERENCE is None:
        missing_reference()


# --- operations -------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", OPERATION_CASES)
def test_operation_has_the_reference_path_and_method(reference, operation_id):
    theirs = find_operation(reference, operation_id)[:2]
    assert find_operation(OURS, operation_id)[:2] == theirs


@pytest.mark.parametrize("operation_id", OPERATION_CASES)
def test_operation_declares_the_reference_parameters(reference, operation_id):
    assert set(parameters_by_name(OURS, operation_id)) == set(
        parameters_by_name(reference, operation_id)
    )


@pytest.mark.parametrize("parameter", PARAMETER_CASES)
def test_parameter_location_required_flag_and_type_match_the_reference(reference, parameter):
    operation_id, name = parameter.split(".")
    theirs = parameters_by_name(reference, operation_id)[name]
    ours = parameters_by_name(OURS, operation_id)[name]
    assert ours["in"] == theirs["in"]
    assert ours.get("required", False) == theirs.get("required", False)
    assert types_of(OURS, ours["schema"]) == types_of(reference, theirs["schema"])


@pytest.mark.parametrize("operation_id", OPERATION_CASES)
def test_request_body_presence_required_flag_and_media_type_match_the_reference(
    reference, operation_id
):
    theirs = resolve(reference, find_operation(reference, operation_id)[2].get("requestBody"))
    ours = resolve(OURS, find_operation(OURS, operation_id)[2].get("requestBody"))
    if theirs is None:
        assert ours is None, f"{operation_id} takes no body in the reference"
        return
    assert ours is not None, f"{operation_id} takes a body in the reference"
    assert ours.get("required", False) == theirs.get("required", False)
    assert set(ours["content"]) == set(theirs["content"])


@pytest.mark.parametrize("operation_id", OPERATION_CASES)
def test_success_response_is_the_reference_schema(reference, operation_id):
    theirs = find_operation(reference, operation_id)[2]["responses"]["200"]
    ours = find_operation(OURS, operation_id)[2]["responses"]["200"]
    assert set(ours["content"]) == set(theirs["content"])
    for media_type, media in theirs["content"].items():
        assert ref_name(ours["content"][media_type]["schema"]) == ref_name(media["schema"])


# --- request bodies ---------------------------------------------------------------------


@pytest.mark.parametrize("request_object", REQUEST_OBJECT_CASES)
def test_request_object_has_no_field_the_reference_lacks(reference, request_object):
    """A field the API does not know would be rejected (additionalProperties: false)."""
    theirs = properties_of(reference, request_object_at(reference, request_object))
    ours = properties_of(OURS, request_object_at(OURS, request_object))
    assert set(ours) - set(theirs) == set()


@pytest.mark.parametrize("request_object", REQUEST_OBJECT_CASES)
def test_request_object_is_closed_where_the_reference_is_closed(reference, request_object):
    theirs = resolve(reference, request_object_at(reference, request_object))
    ours = resolve(OURS, request_object_at(OURS, request_object))
    if theirs.get("additionalProperties") is False:
        assert ours.get("additionalProperties") is False


@pytest.mark.parametrize("field", REQUEST_FIELD_CASES)
def test_request_field_exists(reference, field):
    our_request_field(field)


@pytest.mark.parametrize("field", REQUEST_FIELD_CASES)
def test_request_field_required_flag_matches_the_reference(reference, field):
    their_parent, name, _ = field_at(reference, field)
    our_parent, _, _ = field_at(OURS, field)
    assert (name in required_of(OURS, our_parent)) == (name in required_of(reference, their_parent))


@pytest.mark.parametrize("field", REQUEST_FIELD_CASES)
def test_request_field_type_matches_the_reference(reference, field):
    assert types_of(OURS, our_request_field(field)) == types_of(
        reference, field_at(reference, field)[2]
    )


@pytest.mark.parametrize("field", REQUEST_FIELD_CASES)
def test_request_field_format_matches_the_reference(reference, field):
    assert formats_of(OURS, our_request_field(field)) == formats_of(
        reference, field_at(reference, field)[2]
    )


@pytest.mark.parametrize("field", REQUEST_FIELD_CASES)
def test_request_field_enum_is_the_reference_enum_plus_the_allowed_additions(reference, field):
    theirs = enum_of(reference, field_at(reference, field)[2])
    ours = enum_of(OURS, our_request_field(field))
    if not theirs:
        assert not ours, f"{field} is free in the reference, but restricted to {sorted(ours)}"
    assert theirs <= ours, f"{field} lacks {sorted(theirs - ours)}"
    allowed = REQUEST_ENUM_ADDITIONS.get(field, set())
    assert ours - theirs == allowed, (
        f"{field} adds {sorted(ours - theirs)} to the reference enum; "
        f"spec/contract-allowlist.yaml allows {sorted(allowed)}"
    )


@pytest.mark.parametrize("field", REQUEST_FIELD_CASES)
def test_request_field_bounds_are_the_reference_bounds_plus_the_allowed_ones(reference, field):
    theirs = bounds_of(reference, field_at(reference, field)[2])
    ours = bounds_of(OURS, our_request_field(field))
    assert {key: ours.get(key) for key in theirs} == theirs
    extra = {key: value for key, value in ours.items() if key not in theirs}
    assert extra == REQUEST_BOUNDS_ADDITIONS.get(field, {}), (
        f"{field} has bounds {extra} the reference lacks; see spec/contract-allowlist.yaml"
    )


def test_every_allowed_request_difference_names_a_request_field(reference):
    fields = set(request_field_cases(reference))
    listed = set(REQUEST_ENUM_ADDITIONS) | set(REQUEST_BOUNDS_ADDITIONS)
    assert listed - fields == set(), "spec/contract-allowlist.yaml names unknown fields"


def test_every_annotation_format_is_one_the_reference_uses(reference):
    used = {
        branch["format"]
        for schema in reference["components"]["schemas"].values()
        for field in properties_of(reference, schema).values()
        for branch in branches(reference, field)
        if "format" in branch
    }
    assert used >= ANNOTATION_FORMATS, f"unused entries: {sorted(ANNOTATION_FORMATS - used)}"


# --- responses --------------------------------------------------------------------------


@pytest.mark.parametrize("schema_name", RESPONSE_SCHEMA_CASES)
def test_response_schema_has_every_reference_property(reference, schema_name):
    theirs = properties_of(reference, reference["components"]["schemas"][schema_name])
    ours = properties_of(OURS, OURS["components"]["schemas"][schema_name])
    assert set(theirs) - set(ours) == set()


@pytest.mark.parametrize("schema_name", RESPONSE_SCHEMA_CASES)
def test_response_schema_required_list_matches_the_reference(reference, schema_name):
    theirs = required_of(reference, reference["components"]["schemas"][schema_name])
    ours = required_of(OURS, OURS["components"]["schemas"][schema_name])
    assert ours == theirs - OPTIONAL_IN_RESPONSES.get(schema_name, set())


@pytest.mark.parametrize("field", RESPONSE_FIELD_CASES)
def test_response_field_accepts_the_reference_type_and_the_allowed_widenings(reference, field):
    theirs = types_of(reference, response_schema(reference, field)[2])
    ours = types_of(OURS, our_response_field(field))
    assert theirs <= ours, f"{field} does not accept {sorted(theirs - ours)}"
    allowed = RESPONSE_TYPE_WIDENINGS.get(field, set())
    assert ours - theirs == allowed, (
        f"{field} also accepts {sorted(ours - theirs)}; "
        f"spec/contract-allowlist.yaml allows {sorted(allowed)}"
    )


@pytest.mark.parametrize("field", RESPONSE_FIELD_CASES)
def test_response_field_enum_contains_every_reference_value(reference, field):
    theirs = enum_of(reference, response_schema(reference, field)[2])
    ours = enum_of(OURS, our_response_field(field))
    assert theirs <= ours, f"{field} lacks {sorted(theirs - ours)}"
    if field not in OPEN_ENUM_RESPONSE_FIELDS:
        # An open enum accepts any string anyway; a closed one must match exactly.
        assert ours == theirs, f"{field} adds {sorted(ours - theirs)} to the reference enum"


@pytest.mark.parametrize("field", RESPONSE_OBJECT_FIELD_CASES)
def test_response_field_is_the_reference_object_schema(reference, field):
    theirs = object_components(reference, response_schema(reference, field)[2])
    ours = object_components(OURS, our_response_field(field))
    assert theirs <= ours


@pytest.mark.parametrize("field", OPEN_ENUM_RESPONSE_FIELDS)
def test_response_enum_field_keeps_an_unknown_value_as_a_string(field):
    schema = our_response_field(field)
    alternatives = [resolve(OURS, branch) for branch in schema.get("anyOf", [])]
    assert any("enum" in branch for branch in alternatives), f"{field} has no enum branch"
    assert {"type": "string"} in [
        {k: v for k, v in branch.items() if k != "description"} for branch in alternatives
    ], f"{field} has no plain string branch"
