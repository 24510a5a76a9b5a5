"""Schemathesis checks and hooks of our own, loaded through `hooks` in schemathesis.toml.

Laurel's document lists, under each error status of each operation, the codes that operation
can answer with that status (`- `code`: meaning`, made from the ErrorCode table). The
standard checks see statuses; this one sees codes: an error answer's code must be listed
under its status for its operation.
"""

import os
import re

import schemathesis

LISTED = re.compile(r"^- `([a-z_]+)`:", re.MULTILINE)


@schemathesis.check
def error_code_is_documented(ctx, response, case):
    if response.status_code < 400:
        return None
    documented = case.operation.definition.raw.get("responses", {}).get(str(response.status_code))
    if documented is None:
        # An undocumented status is status_code_conformance's to report.
        return None
    try:
        code = response.json()["error"]["code"]
    except Exception as error:  # noqa: BLE001 - any shape but ours is the failure
        raise AssertionError(f"the error answer is not {{'error': {{'code': …}}}}: {error}")
    listed = LISTED.findall(documented.get("description", ""))
    if code not in listed:
        raise AssertionError(
            f"`{code}` answered with {response.status_code}, but the document lists only "
            f"{', '.join(listed)} there for {case.operation.label}"
        )
    return None


# The key the run calls with (the first one made; `LAUREL_SCHEMATHESIS_OWN_KEY` overrides).
OWN_KEY = int(os.environ.get("LAUREL_SCHEMATHESIS_OWN_KEY", "1"))
# The calls that would lock the run out: revoking its own key, or rotating it (its new key is
# not the one the run sends), after which every call would be refused and prove nothing.
KEY_CALLS = re.compile(r"^/api/v1/admin/keys/\{id\}/(rotation|revocation)$")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """Aims a revocation or rotation of the run's own key at a key that does not exist."""
    if KEY_CALLS.match(case.operation.path) and case.path_parameters.get("id") == OWN_KEY:
        case.path_parameters["id"] = OWN_KEY + 1_000_000
