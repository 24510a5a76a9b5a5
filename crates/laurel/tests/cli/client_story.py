"""A shop's story through a client generated from Laurel's OpenAPI document by
openapi-python-client: enroll a member, record a purchase, read the balance, redeem points.

Run by tests/cli/openapi.rs as `python client_story.py BASE_URL API_KEY` with the generated
package `laurel_client` on PYTHONPATH. Exits non-zero (an assertion) on any wrong answer.
"""

import datetime
import sys
import uuid

from laurel_client import AuthenticatedClient
from laurel_client.api.members import enroll
from laurel_client.api.points import balance, redeem
from laurel_client.api.purchases import purchase
from laurel_client.models import (
    ChannelName,
    EnrollBody,
    ErrorBody,
    LineBody,
    PurchaseBody,
    RedemptionBody,
)


def main(base_url: str, key: str) -> None:
    client = AuthenticatedClient(base_url=base_url, token=key, raise_on_unexpected_status=True)
    run = uuid.uuid4().hex[:12]

    member = enroll.sync(
        client=client,
        body=EnrollBody(external_id=f"sdk-{run}", name="SDK Story", channel=ChannelName.POS),
    )
    assert not isinstance(member, ErrorBody), member
    assert member.external_id == f"sdk-{run}", member
    assert member.balance.available == 0, member

    # Ten days ago: past the demo program's seven-day return window, so the points are
    # available at once.
    occurred_at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=10)
    bought = purchase.sync(
        client=client,
        body=PurchaseBody(
            member_id=member.id,
            order_id=f"sdk-order-{run}",
            channel=ChannelName.POS,
            currency="CNY",
            total="128.00",
            occurred_at=occurred_at,
            lines=[LineBody(sku="LATTE", quantity=4, unit_price="32.00", category="coffee")],
        ),
    )
    assert not isinstance(bought, ErrorBody), bought
    assert bought.member_id == member.id, bought
    assert bought.points_earned > 0, bought

    before = balance.sync(id=member.id, client=client)
    assert not isinstance(before, ErrorBody), before
    assert before.available == bought.balance.available, (before, bought)
    assert before.available >= 100, before

    spent = redeem.sync(
        id=member.id,
        client=client,
        body=RedemptionBody(
            points=100,
            idempotency_key=f"sdk-redeem-{run}",
            reference=f"sdk-order-{run}-2",
        ),
    )
    assert not isinstance(spent, ErrorBody), spent
    assert spent.balance.available == before.available - 100, (spent, before)

    after = balance.sync(id=member.id, client=client)
    assert not isinstance(after, ErrorBody), after
    assert after.available == before.available - 100, (after, before)

    # A refusal comes back as the documented error body with its code.
    refused = redeem.sync(
        id=member.id,
        client=client,
        body=RedemptionBody(
            points=after.available + 1,
            idempotency_key=f"sdk-redeem-too-much-{run}",
            reference=f"sdk-order-{run}-3",
        ),
    )
    assert isinstance(refused, ErrorBody), refused
    assert refused.error.code.value == "insufficient_points", refused

    print(f"story ok: member {member.id} earned {bought.points_earned}, spent 100, "
          f"{after.available} left")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
