"""The REST API's contract: `/api/v1/openapi.json` is the committed snapshot, so a change to a path, an
operation, its security or a schema is a deliberate one, reviewed in the snapshot's diff.

After a deliberate change: `HAMYAR_OPENAPI_SNAPSHOT=write ./dev test tests/test_api_contract.py`, then
review and commit tests/data/openapi.json.
"""

import json
import os
from pathlib import Path

import pytest
from django.test import Client

from config.api import api

SNAPSHOT = Path(__file__).resolve().parent / "data" / "openapi.json"


def _schema_as_committed() -> str:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def test_the_openapi_schema_is_the_committed_contract():
    generated = _schema_as_committed()
    # CI always compares: a snapshot rewritten there would make the check pass whatever the API became.
    if os.environ.get("HAMYAR_OPENAPI_SNAPSHOT") == "write" and os.environ.get("CI") != "true":
        SNAPSHOT.write_text(generated, encoding="utf-8")
        pytest.skip("tests/data/openapi.json written; review its diff and commit it")
    committed = SNAPSHOT.read_text(encoding="utf-8")
    assert generated == committed, (
        "The API's contract changed. If that is deliberate, regenerate the snapshot with "
        "`HAMYAR_OPENAPI_SNAPSHOT=write ./dev test tests/test_api_contract.py` and commit its diff."
    )


def test_the_served_schema_is_the_one_checked():
    served = Client().get("/api/v1/openapi.json").json()

    assert served == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def _schema_classes(base=None):
    from ninja import Schema

    for subclass in (base or Schema).__subclasses__():
        yield subclass
        yield from _schema_classes(subclass)


def test_no_two_enums_of_the_api_share_a_component_name():
    """OpenAPI components are keyed by name: two enums called alike (the sign-up's and the voucher's
    `Status`) would document one field with the other's values, and generated clients would refuse
    real answers."""
    import enum
    import typing

    by_name: dict[str, set] = {}
    for schema_class in _schema_classes():
        for field in getattr(schema_class, "model_fields", {}).values():
            for candidate in (field.annotation, *typing.get_args(field.annotation)):
                if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
                    by_name.setdefault(candidate.__name__, set()).add(candidate)
    shared = {name: classes for name, classes in by_name.items() if len(classes) > 1}
    assert not shared, f"enums sharing a component name: {shared}"


def test_documented_statuses_are_the_models():
    from campaigns.models import SignUp
    from rewards.models import Voucher

    components = api.get_openapi_schema(path_prefix="/api/v1")["components"]["schemas"]

    def documented(schema: str, field: str) -> list:
        ref = components[schema]["properties"][field]["$ref"].rsplit("/", 1)[1]
        return components[ref]["enum"]

    assert documented("SignUpOut", "status") == list(SignUp.Status.values)
    assert documented("VoucherOut", "status") == list(Voucher.Status.values)


def test_every_error_an_operation_answers_with_is_declared_in_the_error_format():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            assert {400, 422} <= set(responses), f"{method} {path}"
            if operation.get("security"):
                assert {401, 403} <= set(responses), f"{method} {path}"
            for status, response in responses.items():
                if status >= 400:
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"
                    }


def test_errors_that_only_some_operations_answer_with_are_declared_there():
    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]

    assert {404, 410} <= set(paths["/api/v1/vouchers/redeem"]["post"]["responses"])
    assert {404, 503} <= set(paths["/api/v1/auth/codes"]["post"]["responses"])
