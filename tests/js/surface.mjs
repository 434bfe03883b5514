// The shape of a JS package's API as data: every export, recursively into namespaces, and for
// each class its static members and its prototype's methods and getters (the whole chain). The
// shared test (api.shared.mjs) holds both packages to one list, surface.json, so a name or a
// getter-versus-method difference between the Node addon and the wasm edge module fails.
//
// Left out: what each binding generator adds for itself and no user calls (napi's `*Json`
// transfer methods, wasm-bindgen's `__wrap`, `free`, `__destroy_into_raw`, the hidden
// `__transition`), symbols, and the ES module's `default` and `initSync`.
//
// After an intended API change: `node tests/js/surface.mjs > tests/js/surface.json` (with the
// Node addon built), then check that the wasm edge module matches it too.

const INTERNAL = /^(__|free$|constructor$)|Json$/;
const isClass = (v) => typeof v === 'function' && v.prototype !== undefined && Object.getOwnPropertyNames(v.prototype).length > 1;

/** `api`'s surface: sorted lines such as `redsys.Gateway#publicConfig getter`. */
export function surface(api) {
  const out = [];
  const walk = (prefix, object) => {
    for (const name of Object.keys(object)) {
      if (INTERNAL.test(name) || (!prefix && (name === 'default' || name === 'initSync'))) continue;
      const value = object[name];
      const path = prefix ? `${prefix}.${name}` : name;
      if (isClass(value)) {
        out.push(`${path} class`);
        for (const key of Object.getOwnPropertyNames(value)) {
          if (!['length', 'name', 'prototype', 'arguments', 'caller'].includes(key) && !INTERNAL.test(key)) out.push(`${path}.${key} static ${typeof value[key]}`);
        }
        const seen = new Set();
        for (let p = value.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
          for (const key of Object.getOwnPropertyNames(p)) {
            if (seen.has(key) || INTERNAL.test(key)) continue;
            seen.add(key);
            const d = Object.getOwnPropertyDescriptor(p, key);
            out.push(`${path}#${key} ${d.get ? 'getter' : typeof d.value}`);
          }
        }
      } else if (value && typeof value === 'object' && !Array.isArray(value)) {
        out.push(`${path} object`);
        walk(path, value);
      } else {
        out.push(`${path} ${typeof value}`);
      }
    }
  };
  walk('', api);
  return out.sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { createRequire } = await import('node:module');
  const api = createRequire(import.meta.url)('../../bindings-node/index.js');
  process.stdout.write(`${JSON.stringify(surface(api), null, 1)}\n`);
}
