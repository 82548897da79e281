import shop.errors
from shop.app import app


@app.task(retry_for=(shop.errors.ShopError, TimeoutError), reroute_on_concurrency_control=True)
async def ship_order(order_id: str, carrier: str = "post") -> None:
    ...
