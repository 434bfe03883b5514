# Release artifacts (issue #17): `make dist` builds, into dist/,
#   hostedpay-<v>-cp39-abi3-<platform>.whl and hostedpay-<v>.tar.gz   the Python package (maturin)
#   hostedpay_sandbox-<v>-py3-none-<platform>.whl                     the sandbox binary as a wheel
#   hostedpay-<v>.tgz                                                 the Node package (npm pack), examples included
#   hostedpay-web-<v>.tgz                                             the browser and edge package (npm pack of pkg/)
# for this machine's platform; the release workflow (.github/workflows/release.yml) builds the
# other platforms. dist-test (part of `make test`) installs each artifact into a fresh venv or an
# empty folder and runs a smoke test from there (scripts/dist_smoke.sh), so what ships is what
# was tested, not the source tree.

DIST_DIR := dist

TEST_SUITES += dist-test

.PHONY: dist dist-test

dist: python-venv node-build wasm-build
	rm -rf $(DIST_DIR)
	mkdir -p $(DIST_DIR)
	@echo "== dist: the Python wheel (abi3) and sdist"
	cd $(PY_DIR) && .venv/bin/maturin build --release --locked --out ../$(DIST_DIR)
	cd $(PY_DIR) && .venv/bin/maturin sdist --out ../$(DIST_DIR)
	@echo "== dist: the sandbox wheel (its binary, release build: a few minutes the first time)"
	$(PY_VENV)/bin/maturin build --release --locked -m sandbox/Cargo.toml --out $(DIST_DIR)
	@echo "== dist: the npm tarballs"
	cd $(NODE_DIR) && npm pack --silent --pack-destination ../$(DIST_DIR) >/dev/null
	cd bindings-wasm/pkg && npm pack --silent --pack-destination ../../$(DIST_DIR) >/dev/null
	@ls -l $(DIST_DIR)

dist-test: dist
	scripts/dist_smoke.sh $(DIST_DIR)
