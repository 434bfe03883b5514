"""FloCash parse + verify through the binding, next to a stdlib by-hand version; import time.

Prints per-call medians (best of several timeit repeats) and the ratio; targets: the binding
at least 4x faster than the by-hand version, ``import hostedpay`` at most 5 ms. Figures, not tests:
nothing here fails on a slow machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import timeit
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs

import hostedpay

CT = "application/x-www-form-urlencoded"
BODY = (
    b"merchant=sales%40demoshop.com&sender_acct=254700000000&order_id=AT000001&amount=500.00"
    b"&item_name=Call+Credit&item_price=250.00&currency_code=KES&quantity=2&trans_id=FLOEC1"
    b"&fpn_id=T1&custom=C0000001&customer=Joan+Doe&status=0000&status_msg=Payment+is+successful."
    b"&payer_email=joan%40example.com&payment_channel=Mobile&txn_partner_ref=MPESA123"
)
REPLY = {"status": 200, "body": b"VERIFIED"}
GW = hostedpay.flocash.Gateway({
    "merchant": "sales@demoshop.com", "merchant_name": "Demo Shop",
    "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
    "base_url": "https://fcms.flocash.com", "notification_token": "change-me-to-a-long-random-token",
})
REQUIRED = ("merchant", "order_id", "amount", "currency_code", "trans_id", "fpn_id", "status")
EXPONENTS = {"KES": 2, "USD": 2, "EUR": 2, "XOF": 0}


def binding() -> object:
    unverified = GW.parse_notification(CT, BODY)
    return GW.verify_postback(unverified, REPLY)


def by_hand() -> dict:
    """What a careful djflocash-style listener does with the stdlib."""
    fields = parse_qs(BODY.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
    if any(len(v) > 1 for v in fields.values()):
        raise ValueError("duplicate field")
    n = {k: v[0] for k, v in fields.items()}
    for name in REQUIRED:
        if not n.get(name):
            raise ValueError(f"{name} is required")
    exponent = EXPONENTS[n["currency_code"]]
    try:
        amount = Decimal(n["amount"])
    except InvalidOperation:
        raise ValueError("amount") from None
    if amount.as_tuple().exponent < -exponent and amount != amount.quantize(Decimal(1).scaleb(-exponent)):
        raise ValueError("amount precision")
    n["amount"] = amount
    n["status"] = n["status"].zfill(4)
    if not (REPLY["status"] == 200 and REPLY["body"].lower() == b"verified"):
        raise ValueError("not verified")
    return n


def per_call(fn, number: int = 20000, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def import_time(runs: int = 9) -> float:
    code = "import time; t = time.perf_counter(); import hostedpay; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
             for _ in range(runs)]
    return statistics.median(times)


def main() -> None:
    assert binding().order_id == by_hand()["order_id"] == "AT000001"
    ours, theirs = per_call(binding), per_call(by_hand)
    ratio = theirs / ours
    imp = import_time()
    print(f"python-bench: flocash parse+verify  vpos {ours * 1e6:7.2f} us/call   "
          f"stdlib parse_qs+Decimal {theirs * 1e6:7.2f} us/call   ratio {ratio:4.1f}x "
          f"(target >= 4x: {'met' if ratio >= 4 else 'NOT met'})")
    print(f"python-bench: import hostedpay {imp * 1e3:.2f} ms (median of 9 fresh interpreters; "
          f"target <= 5 ms: {'met' if imp <= 0.005 else 'NOT met'})")


if __name__ == "__main__":
    main()
