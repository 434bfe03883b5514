"""A configuration value of the wrong type is never echoed in the error: it may be a secret."""

from __future__ import annotations

from typing import Any, Dict

import pytest

import hostedpay

from tests.test_paypal import PAYPAL

NVP = {"user": "api-user", "password": "pw", "signature": "sig",
       "api_url": "https://api-3t.sandbox.paypal.com/nvp"}


@pytest.mark.parametrize("name", ["password", "signature", "user"])
def test_a_number_where_a_secret_belongs_is_named_not_echoed(name: str) -> None:
    nvp: Dict[str, Any] = {**NVP, name: 987654321}
    with pytest.raises(hostedpay.ConfigError) as e:
        hostedpay.paypal.Gateway({**PAYPAL, "nvp": nvp})
    assert e.value.code == "invalid_config"
    assert e.value.field == f"nvp.{name}"
    assert "987654321" not in str(e.value) and "987654321" not in repr(e.value)
    assert "expected" in str(e.value)
