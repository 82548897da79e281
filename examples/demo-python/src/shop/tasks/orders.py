from pynenc import ConcurrencyControlType as CCT

from shop import errors
from shop.app import app
from shop.errors import CardDeclined


@app.task(
    max_retries=3,
    retry_for=(errors.PaymentError, ConnectionError),
    running_concurrency=CCT.KEYS,
    key_arguments=("order_id",),
)
def place_order(order_id: str, amount: int) -> str:
    return f"placed {order_id}"


@app.task(retry_for=CardDeclined)  # one class, not a tuple: fails at the first call
def charge_card(order_id: str, card_token: str) -> None:
    ...


@app.direct_task(call_result_cache=True, key_arguments=("order_id"))
def order_total(order_id: str) -> int:
    return 0


def refund(order_id: str) -> None:
    ...


refund_task = app.task(refund, registration_concurrency=CCT.TASK)
