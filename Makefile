# CommonTable — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo
DEMO_PEOPLE ?= 20000

.PHONY: demo demo-data test test-fast bench lint format docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,spark]"
	touch $@

install: $(VENV)/.installed

DEMO_ADMIN ?= admin@demo.commontable.example
DEMO_PASSWORD ?= common-table-demo
DEMO_MLLP_PORT ?= 2575
DEMO_FEED_DAY ?= 2025-12-28
DEMO_CLINIC := "Flower City Family Medicine - Northeast"
DEMO_PLAN := "Lakeshore Community Care"
DEMO_HUB := "Finger Lakes Common Table"
DEMO_HOSPITAL := "Lakeside General Hospital"
DEMO_CBO := "Foodlink Pantry Network"

demo: demo-data
	@echo "Sign in as $(DEMO_ADMIN) with password $(DEMO_PASSWORD)"
	# The demo asks no second factor; a real workspace asks it of roles that see patient data.
	COMMONTABLE_WEB_SECOND_FACTOR=optional $(BIN)/commontable serve --workspace $(DEMO_DIR)

# Everything `make demo` does but serving: a fresh demo workspace, from synthetic region to
# published results.
demo-data: $(VENV)/.installed
	rm -rf $(DEMO_DIR)
	$(BIN)/commontable init $(DEMO_DIR)
	$(BIN)/commontable synth --people $(DEMO_PEOPLE) --seed 7 --out $(DEMO_DIR)/region --workspace $(DEMO_DIR)
	$(BIN)/commontable load $(DEMO_DIR)/region/sources --workspace $(DEMO_DIR)
	$(BIN)/commontable submissions --workspace $(DEMO_DIR)
	$(BIN)/commontable match --workspace $(DEMO_DIR) --evaluate $(DEMO_DIR)/region
	$(BIN)/commontable measure run --period 2025 --workspace $(DEMO_DIR)
	$(BIN)/commontable db upgrade --workspace $(DEMO_DIR)
	$(BIN)/commontable org import-roster --workspace $(DEMO_DIR)
	$(BIN)/commontable publish --period 2025 --workspace $(DEMO_DIR)
	echo "$(DEMO_PASSWORD)" | $(BIN)/commontable user add $(DEMO_ADMIN) --name "Demo Admin" \
		--organization "Finger Lakes Common Table" --role admin --role care_team \
		--password-stdin --workspace $(DEMO_DIR)
	echo "$(DEMO_PASSWORD)" | $(BIN)/commontable demo-table --password-stdin --workspace $(DEMO_DIR)
	# Care coordination: a clinic's and a plan's care teams and the collaborative's CHW hub
	# (serving the plan's members) follow their people; a day of the hospital's ADT feed is
	# replayed to a running listener, which notifies them.
	$(BIN)/commontable care team add $(DEMO_CLINIC) "Northeast care team" --workspace $(DEMO_DIR)
	$(BIN)/commontable care follow $(DEMO_CLINIC) "Northeast care team" --attributed --workspace $(DEMO_DIR)
	$(BIN)/commontable care team add $(DEMO_PLAN) "Care management" --kind care_management --workspace $(DEMO_DIR)
	$(BIN)/commontable care follow $(DEMO_PLAN) "Care management" --attributed --workspace $(DEMO_DIR)
	$(BIN)/commontable care team add $(DEMO_HUB) "Community health worker hub" --kind chw_hub --workspace $(DEMO_DIR)
	$(BIN)/commontable care follow $(DEMO_HUB) "Community health worker hub" --attributed \
		--attributed-to $(DEMO_PLAN) --workspace $(DEMO_DIR)
	# A food bank's community health workers follow its clients by roster; the hospital's
	# patients' opt-outs and its withdrawal management unit (a Part 2 program) are recorded.
	$(BIN)/commontable care team add $(DEMO_CBO) "Community health workers" --kind chw_hub --workspace $(DEMO_DIR)
	$(BIN)/commontable care follow $(DEMO_CBO) "Community health workers" \
		--roster $(DEMO_DIR)/region/care/foodlink-pantry-network/roster.csv --workspace $(DEMO_DIR)
	$(BIN)/commontable care consent $(DEMO_DIR)/region/care/lakeside-general-hospital/opt_outs.csv \
		--decision opt_out --source $(DEMO_HOSPITAL) --workspace $(DEMO_DIR)
	$(BIN)/commontable care part2 $(DEMO_HOSPITAL) SUD --name "Withdrawal management unit" \
		--workspace $(DEMO_DIR)
	$(BIN)/commontable care listen --mllp-port $(DEMO_MLLP_PORT) --source lakeside-general-hospital \
		--workspace $(DEMO_DIR) > $(DEMO_DIR)/care-listener.log 2>&1 & listener=$$!; \
		$(BIN)/commontable synth --feed --out $(DEMO_DIR)/region --day $(DEMO_FEED_DAY) \
			--mllp-port $(DEMO_MLLP_PORT) --rate 50 --wait 120; status=$$?; kill $$listener; \
		wait $$listener; \
		tail -1 $(DEMO_DIR)/care-listener.log; exit $$status
	$(BIN)/commontable report build --period 2025 --out $(DEMO_DIR)/report --workspace $(DEMO_DIR)

test: $(VENV)/.installed
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: $(VENV)/.installed
	$(BIN)/pytest -m "not spark and not slow and not browser and not postgres"

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/spine.py --people $${BENCH_PEOPLE:-1000000}
	$(BIN)/python benchmarks/measures.py
	$(BIN)/python benchmarks/publish.py
	$(BIN)/python benchmarks/web_load.py
	$(BIN)/python benchmarks/care_feed.py

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

docs: $(VENV)/.installed
	$(BIN)/commontable dictionary --out docs/data-dictionary.md

clean:
	rm -rf $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache spark-warehouse metastore_db
