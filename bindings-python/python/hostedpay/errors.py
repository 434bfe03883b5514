"""The exceptions vpos raises.

Every failure of the core arrives as a :class:`VposError` carrying the stable ``code`` (one of
:func:`hostedpay.error_codes`), the ``field`` it concerns (wire name, config key or dotted path)
and a human ``message``. Branch on ``code``, never on the message. Subclasses group the codes
by whose fault it is, so ``except hostedpay.ParseError`` catches every malformed-input code.
Messages never contain secrets.
"""

# No `typing` import at run time: it alone would triple `import hostedpay`.
from __future__ import annotations

__all__ = [
    "VposError",
    "ParseError",
    "AmountError",
    "ConfigError",
    "VerificationError",
    "ConsistencyError",
    "UnsupportedError",
    "GatewayError",
]


class VposError(ValueError):
    """A vpos failure with a stable ``code``, the ``field`` concerned and a ``message``."""

    code: str
    field: str | None
    message: str

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, str | None]:
        """The core's JSON shape: ``{"code", "field", "message"}``."""
        return {"code": self.code, "field": self.field, "message": self.message}

    def __reduce__(self) -> tuple[object, ...]:
        return (_from_core, (self.code, self.message, self.field))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r}, message={self.message!r})"


class ParseError(VposError):
    """The input is malformed: a missing, over-long or invalid field, a duplicate key, a body
    too large, bad encoding, an unsupported content type."""


class AmountError(VposError):
    """An amount is not exact money in its currency (syntax, precision, sign, overflow) or the
    currency is unknown."""


class ConfigError(VposError):
    """The gateway configuration is missing a value or holds a malformed one."""


class VerificationError(VposError):
    """Authenticity is not proven: wrong URL token, the gateway disowned the message, or the
    post-back could not be made (retry later)."""


class ConsistencyError(VposError):
    """A verified message contradicts the stored payment (gateway, merchant, order, amount,
    currency), or asks for a move the state table does not have."""


class UnsupportedError(VposError):
    """The gateway does not offer this operation."""


class GatewayError(VposError):
    """The gateway answered an operation with an error of its own, or gave no usable answer
    (try again later)."""


_FAMILIES: dict[str, type[VposError]] = {
    "field_missing": ParseError,
    "field_too_long": ParseError,
    "field_invalid": ParseError,
    "duplicate_field": ParseError,
    "body_too_large": ParseError,
    "invalid_utf8": ParseError,
    "invalid_encoding": ParseError,
    "unsupported_content_type": ParseError,
    "amount_syntax": AmountError,
    "amount_precision": AmountError,
    "amount_negative": AmountError,
    "amount_overflow": AmountError,
    "unknown_currency": AmountError,
    "invalid_config": ConfigError,
    "token_mismatch": VerificationError,
    "postback_invalid": VerificationError,
    "postback_failed": VerificationError,
    "signature_mismatch": VerificationError,
    "unsupported_signature_version": VerificationError,
    "gateway_mismatch": ConsistencyError,
    "merchant_mismatch": ConsistencyError,
    "order_mismatch": ConsistencyError,
    "amount_mismatch": ConsistencyError,
    "currency_mismatch": ConsistencyError,
    "refund_exceeds_amount": ConsistencyError,
    "invalid_transition": ConsistencyError,
    "unsupported": UnsupportedError,
    "gateway_error": GatewayError,
    "gateway_unavailable": GatewayError,
    "payment_not_found": ConsistencyError,
    "gateway_not_built": UnsupportedError,
}


def _from_core(code: str, message: str, field: str | None = None) -> VposError:
    """Builds the exception for a core error (called by the native module)."""
    return _FAMILIES.get(code, VposError)(code, message, field)
