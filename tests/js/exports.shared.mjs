// Every runtime export is declared, and every declared value exists at run time: both JS
// packages (bindings-node/test/exports.test.js, bindings-wasm/test/exports.test.mjs) compare
// the names a loaded module exports with the value names its .d.ts exports, recursively into
// plain objects (namespaces such as `money` and `flocash`, and objects such as
// `operationStatus`), by the TypeScript compiler API of the package's own `typescript`.
// Types (interfaces, type aliases) have no runtime value and are not compared.

/**
 * The declared value names of the module `dts`: a sorted list of dotted paths. Recurses where
 * the loaded module `runtime` holds a plain object (so both sides walk the same tree).
 */
export function declaredValues(ts, dts, runtime) {
  const program = ts.createProgram([dts], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(dts);
  if (!file) throw new Error(`exports.shared: no source file ${dts}`);
  const module = checker.getSymbolAtLocation(file);
  if (!module) throw new Error(`exports.shared: ${dts} is not a module`);
  const names = [];
  const seen = new Set();
  const walk = (prefix, symbols, object) => {
    for (let symbol of symbols) {
      const name = symbol.getName();
      if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      if (!(symbol.flags & ts.SymbolFlags.Value)) continue;
      const path = prefix ? `${prefix}.${name}` : name;
      names.push(path);
      // Recurse into namespaces and object constants (`operationStatus`) that are plain objects.
      const value = object?.[name];
      const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
      if (!isPlain(value) || !decl || seen.has(symbol)) continue;
      seen.add(symbol);
      const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
      walk(path, checker.getPropertiesOfType(type), value);
    }
  };
  walk('', checker.getExportsOfModule(module), runtime);
  return names.sort();
}

/** The runtime export names of a loaded module: a sorted list of dotted paths. */
export function runtimeValues(moduleObject) {
  const names = [];
  const seen = new Set();
  const walk = (prefix, object) => {
    for (const name of Object.keys(object)) {
      if (!prefix && name === '__esModule') continue;
      const path = prefix ? `${prefix}.${name}` : name;
      names.push(path);
      const value = object[name];
      if (isPlain(value) && !seen.has(value)) {
        seen.add(value);
        walk(path, value);
      }
    }
  };
  walk('', moduleObject);
  return names.sort();
}

function isPlain(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `{ undeclared, missing }`: runtime names without a declaration, declared names without a value. */
export function compareExports(declared, runtime) {
  const d = new Set(declared);
  const r = new Set(runtime);
  return {
    undeclared: runtime.filter((n) => !d.has(n)),
    missing: declared.filter((n) => !r.has(n)),
  };
}
