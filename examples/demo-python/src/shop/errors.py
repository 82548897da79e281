class ShopError(Exception):
    """Base of every error the shop raises."""


class PaymentError(ShopError):
    pass


class CardDeclined(PaymentError):
    pass


class Shutdown(KeyboardInterrupt):
    """Not an Exception: pynenc refuses it in retry_for."""
