"""Redsys's HMAC_SHA256_V1 signature, written once for the vector generators
(gen_redsys_emv3ds.py, gen_redsys_emv3ds_rest.py, gen_redsys_paygold.py) and independent of
vpos-core: the order key is 3DES-CBC (zero IV) of the order number zero-padded to a multiple of
8 under the merchant key; the signature is HMAC-SHA256 of the Base64 parameters under it
(Redsys, "Guía de integración de la pasarela", as in docs/3ds.md). Needs `cryptography`.
"""
import base64
import hashlib
import hmac
import json

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

KEY = "sq7HjrUOBfKmC576ILgskD5srU870gJ7"  # Redsys's public test key


def dumps(obj):
    """JSON as Redsys's parameters carry it: no spaces, text kept as it is."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def sign(order, params_b64, key=KEY):
    data = order.encode()
    data += b"\0" * (-len(data) % 8)
    enc = Cipher(TripleDES(base64.b64decode(key)), modes.CBC(b"\0" * 8)).encryptor()
    order_key = enc.update(data) + enc.finalize()
    return base64.b64encode(hmac.new(order_key, params_b64.encode(), hashlib.sha256).digest()).decode()


def envelope(params, order):
    """A REST body (or reply): the Base64 parameters, signed with `order`'s key."""
    b64 = base64.b64encode(dumps(params).encode()).decode()
    return {"Ds_SignatureVersion": "HMAC_SHA256_V1", "Ds_MerchantParameters": b64,
            "Ds_Signature": sign(order, b64)}
