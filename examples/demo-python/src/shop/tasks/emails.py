from shop.app import app


@app.task(call_result_cache=True, parallel_batch_size=0)
def send_receipt(order_id: str, email: str) -> None:
    ...


class Mailer:
    @app.task  # a method: pynenc refuses it (not at module level)
    def send(self, to: str) -> None:
        ...
