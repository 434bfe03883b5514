# hostedpay-sandbox: the local gateway emulator (sandbox/README.md).
TEST_SUITES += sandbox-test

.PHONY: sandbox-test sandbox

sandbox-test:
	$(CARGO) test -p vpos-sandbox --locked

# The emulator in the foreground, e.g. `make sandbox SANDBOX_ARGS='--time-scale 3600'`.
sandbox:
	$(CARGO) run -q -p vpos-sandbox --locked -- $(SANDBOX_ARGS)
