# The two commands of the README. Both set up everything they need on a fresh machine.
.PHONY: run test

run:  ## set up, ingest the sample corpus if the store is empty, start the chat app on :8501
	bash scripts/setup.sh
	bash scripts/run_app.sh

test:  ## set up (with test tools and Chromium) and run the whole test suite
	bash scripts/setup.sh --test
	.venv/bin/python -m pytest -q
