#!/usr/bin/env python3
"""Where a wasm module's code bytes go, by crate: reads a module that still has its `name` section:
the linked module cargo wrote (scripts/build.sh keeps each in target/wasm-modules/), or better
that module through wasm-bindgen (which drops its describe shims), before wasm-opt and sums each function body's size under the crate its symbol names.

Usage: wasm_sizes.py <module.wasm> [<top n>]. A twiggy-free "top by crate": the crate is the
first path segment of the demangled symbol (`core::fmt::write` → core); generic code counts for
the crate that defines it, and whatever LTO inlined counts for its caller. Figures are before
wasm-opt -Oz, which shrinks every crate's share (the shipped sizes are in scripts/sizes.mjs).
"""
import re
import sys
from collections import Counter


def leb(data, i):
    result = shift = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def sections(data):
    i = 8
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        yield sid, data[i:i + size]
        i += size


def custom_name(payload):
    n, i = leb(payload, 0)
    return payload[i:i + n].decode(), payload[i + n:]


def function_names(payload):
    names, i = {}, 0
    while i < len(payload):
        sub = payload[i]
        size, i = leb(payload, i + 1)
        body = payload[i:i + size]
        i += size
        if sub != 1:
            continue
        count, j = leb(body, 0)
        for _ in range(count):
            idx, j = leb(body, j)
            n, j = leb(body, j)
            names[idx] = body[j:j + n].decode(errors="replace")
            j += n
    return names


def crate_of(symbol):
    """The crate a (mangled) symbol belongs to; wasm-bindgen's shims and the unnamed by kind."""
    if symbol.startswith("__wbindgen") or symbol.startswith("__wbg"):
        return "(wasm-bindgen shims)"
    m = re.match(r"_ZN(\d+)(.*)", symbol)  # legacy: _ZN4core3fmt5write17h…E
    if m:
        seg = m.group(2)[: int(m.group(1))]
        if seg.startswith("_$LT$"):  # <impl path>: <T as Trait>, <&T as …>, <impl X for Y>
            seg = seg[len("_$LT$"):]
            for prefix in ("$RF$", "mut$u20$", "impl$u20$"):
                if seg.startswith(prefix):
                    seg = seg[len(prefix):]
            return re.split(r"\.\.|\$", seg)[0] or "(generic)"
        return seg
    m = re.search(r"C(?:s[0-9a-zA-Z]*_)?(\d+)([A-Za-z_][A-Za-z0-9_]*)", symbol[2:]) if symbol.startswith("_R") else None
    if m:
        return m.group(2)[: int(m.group(1))]
    if not symbol:
        return "(unnamed)"
    # Demangled (wasm-bindgen's output): `core::fmt::write`, `<serde_json::Value as …>::f`,
    # `core[c5930c85a12de82]::ptr::…`; a generic `<T as der::Decode>` counts for the trait's crate.
    m = re.match(r"<*(?:&|mut |dyn |impl |[A-Z] as )*([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::", symbol)
    return m.group(1) if m else "(" + symbol[:20] + ")"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    data = open(path, "rb").read()
    imported = 0
    bodies, names, data_bytes = [], {}, 0
    for sid, payload in sections(data):
        if sid == 2:  # imports: functions come first in the index space
            count, i = leb(payload, 0)
            for _ in range(count):
                for _ in range(2):
                    n, i = leb(payload, i)
                    i += n
                kind = payload[i]
                i += 1
                if kind == 0:
                    _, i = leb(payload, i)
                    imported += 1
                elif kind == 1:
                    i += 1
                    flags, i = leb(payload, i)
                    _, i = leb(payload, i)
                    if flags & 1:
                        _, i = leb(payload, i)
                elif kind == 2:
                    flags, i = leb(payload, i)
                    _, i = leb(payload, i)
                    if flags & 1:
                        _, i = leb(payload, i)
                elif kind == 3:
                    i += 2
        elif sid == 10:
            count, i = leb(payload, 0)
            for _ in range(count):
                size, i = leb(payload, i)
                bodies.append(size)
                i += size
        elif sid == 11:
            data_bytes = len(payload)
        elif sid == 0:
            name, rest = custom_name(payload)
            if name == "name":
                names = function_names(rest)
    by_crate = Counter()
    for k, size in enumerate(bodies):
        by_crate[crate_of(names.get(imported + k, ""))] += size
    code = sum(bodies)
    print(f"{path}: {len(data)} bytes; code {code} bytes in {len(bodies)} functions; data {data_bytes} bytes")
    for crate, size in by_crate.most_common(top):
        print(f"  {crate:32} {size:9} bytes  {100 * size / code:5.1f} %")


if __name__ == "__main__":
    main()
