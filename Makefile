# SpectroGen-Go — the two commands a newcomer needs:
#   make demo   run the main job on the embedded synthetic data (outputs in out/)
#   make test   vet, unit tests, race tests, and every notebook executed headless
GO            ?= go
BIN           := bin/spectrogen
OUT           ?= out
# Notebook tests install the kernel here, not in the user's Jupyter config.
NB_PREFIX     := $(CURDIR)/.build/jupyter
# `make kernel` installs for the current user; KERNEL_PREFIX=DIR installs under DIR.
KERNEL_PREFIX ?=
# Packages run under the race detector: everything that does not execute GoMLX
# graphs (batch and map fitting, readers and loaders, retrieval, identification,
# evaluation); the GoMLX engine's own goroutines are too slow to check this way.
RACE_PKGS     := ./datasets/... ./spectro ./spectro/atomicfile ./spectro/chem ./spectro/collection ./spectro/distrib \
                 ./spectro/eval ./spectro/features ./spectro/fit/... ./spectro/lineshape ./spectro/peaks ./spectro/plots ./spectro/preprocess \
                 ./spectro/retrieval ./spectro/identify ./spectro/gobfile ./kernels/nbrun

.PHONY: all build demo demo-full test check vet unit race fuzz torch-compare notebooks notebooks-refresh notebooks-html kernel bench lmfit-compare clean help

all: build

help:
	@echo "make demo        run the main job on the embedded synthetic data (writes $(OUT)/)"
	@echo "make demo-full   the demo and the paper's comparison of line-shape priors (three more trainings)"
	@echo "make test        go vet, go test ./..., race tests, and all notebooks executed headless"
	@echo "make check       go vet and go test -short ./...: the quick loop while editing (no training, no notebooks)"
	@echo "make race        go test -race on the packages that run no GoMLX graphs"
	@echo "make fuzz        every fuzz target for FUZZTIME each (default 10m; not in CI)"
	@echo "make kernel      install the 'Go (SpectroGen)' Jupyter kernel (user-level; KERNEL_PREFIX=DIR for a prefix)"
	@echo "make notebooks   execute every notebook in notebooks/ and check for errors, images and stale stored outputs"
	@echo "make notebooks-refresh  execute every notebook and store its outputs in notebooks/ (commit the result)"
	@echo "make notebooks-html     write each stored notebook as standalone HTML to $(OUT)/notebooks-html"
	@echo "make bench       Go benchmarks"
	@echo "make lmfit-compare  fitting speed and R² against lmfit (needs python3-lmfit), and the fitting quality report"
	@echo "make torch-compare  the default model's training step and generation against the same network in PyTorch (needs python3-torch)"

build:
	$(GO) build -o $(BIN) ./spectro/cmd/spectrogen

demo: build
	./$(BIN) demo --out $(OUT)

# The demo with the paper's comparison of line-shape priors (three more models).
demo-full: build
	./$(BIN) demo --out $(OUT) --prior-steps 300

test: vet unit race notebooks

# The edit loop: vet and the short tests (no model training, no notebooks).
check: vet
	$(GO) test -short ./...

vet:
	$(GO) vet ./...

unit:
	$(GO) test ./...

race:
	$(GO) test -race $(RACE_PKGS)

# Fuzz targets (package:target), each run for FUZZTIME on one core; new
# crashers land in the package's testdata/fuzz and then run with the tests.
FUZZTIME      ?= 10m
FUZZ_TARGETS  := ./datasets/formats:FuzzRead ./datasets/formats:FuzzSPC ./datasets/formats:FuzzOPUS ./datasets/formats:FuzzOMNIC \
                 ./datasets/formats:FuzzWDF ./datasets/formats:FuzzASP ./datasets/formats:FuzzWIP ./datasets/samples:FuzzLoadZip ./spectro/peaks:FuzzFind \
                 ./spectro/fit:FuzzFitBest ./spectro/fit/formula:FuzzParse ./spectro/model:FuzzReadInfo ./spectro/retrieval:FuzzRead \
                 ./spectro/identify:FuzzRead
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; fn=$${t##*:}; echo "== $$pkg $$fn ($(FUZZTIME))"; \
	  log=$(OUT)/fuzz/$$(echo $$pkg | sed 's|^\./||; s|/|_|g')-$$fn.log; mkdir -p $(OUT)/fuzz; \
	  $(GO) test $$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -parallel 1 >$$log 2>&1 || { tail -40 $$log; exit 1; }; \
	  grep "^fuzz: elapsed" $$log | tail -1; \
	done

kernel:
	bash kernels/install.sh $(if $(KERNEL_PREFIX),--prefix $(KERNEL_PREFIX),--user)

notebooks:
	bash kernels/install.sh --prefix $(NB_PREFIX)
	JUPYTER_PATH=$(NB_PREFIX)/share/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH)) $(GO) run ./kernels/nbrun -out $(OUT)/notebooks notebooks

# Notebooks are committed executed: this reruns them all (fixed seeds; with
# SPECTRO_DATA set, on real RRUFF pairs) and writes their outputs back.
notebooks-refresh:
	bash kernels/install.sh --prefix $(NB_PREFIX)
	JUPYTER_PATH=$(NB_PREFIX)/share/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH)) $(GO) run ./kernels/nbrun -store -out $(OUT)/notebooks notebooks

# Handouts: the stored notebooks as standalone HTML, figures embedded (no kernel needed).
notebooks-html:
	jupyter nbconvert --to html --output-dir $(OUT)/notebooks-html notebooks/*.ipynb

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# On demand, not in CI: the same 200 fitting problems with SpectroGen-Go and with
# lmfit (Debian's python3-lmfit), and the fitting quality report.
lmfit-compare: build
	./$(BIN) bench fit --n 200 --out $(OUT)/lmfit-compare
	/usr/bin/python3 spectro/fit/lmfitcompare/compare.py $(OUT)/lmfit-compare
	./$(BIN) report fitting

clean:
	rm -rf bin .build $(OUT)

# On demand, not in CI: the default model's training step and generation in Go
# (the model's benchmarks) beside the same network in PyTorch (Debian's
# python3-torch, 2 threads), in one run.
torch-compare:
	$(GO) test ./spectro/model -run '^$$' -bench 'TrainStep|Generate|Render' -benchtime 60x
	OMP_NUM_THREADS=2 /usr/bin/python3 spectro/model/torchpeer/peer.py --threads 2 --steps 60
