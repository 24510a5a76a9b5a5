"""Schemathesis checks of our own, loaded through `hooks` in schemathesis.toml.

Laurel's document lists, under each error status of each operation, the codes that operation
can answer with that status (`- `code`: meaning`, made from the ErrorCode table). The
standard checks see statuses; this one sees codes: an error answer's code must be listed
under its status for its operation.
"""

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
