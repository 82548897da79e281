# The old Celery worker, still around: its tasks are not pynenc's.
from celery import Celery

app = Celery("shop")


@app.task(bind=True, max_retries=3)
def old_invoice(self, order_id):
    ...
