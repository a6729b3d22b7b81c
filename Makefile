# Tawsim: `make run` opens the app, `make test` checks everything. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint layers typecheck screenshot clean bench bench-quick soak translations-update

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The interface in Arabic (issue 5): translations/tawsim_ar.ts is the source, kept in git;
# the compiled catalogue is built here (git-ignored) where app.ui.i18n and the wheel find it.
QM := resources/i18n/tawsim_ar.qm
TS := translations/tawsim_ar.ts

$(QM): $(TS) | $(STAMP)
	mkdir -p $(dir $(QM))
	$(BIN)/pyside6-lrelease $(TS) -qm $(QM)

# Re-extract every string marked in app/ui, keeping the translations already made; new
# strings come in unfinished (tests/unit/test_translations.py then names them).
translations-update: $(STAMP)
	$(BIN)/pyside6-lupdate -extensions py -locations none -no-obsolete -target-language ar app/ui -ts $(TS)

run: $(STAMP) $(QM)
	$(BIN)/tawsim gui

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

layers: $(STAMP)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint layers typecheck $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# Crash safety and hostile input at length (issue 7): 1,000 SIGKILLs spread over tagging,
# import, export, migration and merge (`make test` makes 50), and 20 times the fuzz examples.
# A failure names its seed: TAWSIM_KILL_SEED=<seed> replays the kills.
soak: $(STAMP) $(QM)
	TAWSIM_KILLS=1000 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -s tests/crash/test_kill.py
	TAWSIM_FUZZ_EXAMPLES=600 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/unit/fuzz

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

screenshot: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m app.ui.readme_screenshot docs/screenshot.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m app.ui.readme_screenshot docs/screenshot-ar.png --language ar

# Benchmarks (DESIGN §8): a table on stdout and bench-results.json. Generated data is
# cached in tests/bench/.cache. bench-quick runs the same at 1/100 of the sizes (a smoke test).
bench: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench.run

bench-quick: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench.run --quick
