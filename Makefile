# reverse-mentoring-operator

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

CONTROLLER_GEN := go tool controller-gen
GOTEST_FLAGS ?= -count=1
BIN := bin
CHART := charts/reverse-mentoring-operator
# The image the chart and config/default run: the chart's image.repository and appVersion.
IMAGE_REPOSITORY ?= $(shell sed -n 's/^  repository: *//p' $(CHART)/values.yaml)
VERSION ?= $(shell sed -n 's/^appVersion: *"\(.*\)"/\1/p' $(CHART)/Chart.yaml)
# The image `make image` names and `make deploy` runs, such as registry.example.org/mentoring/operator:dev.
IMAGE ?= $(IMAGE_REPOSITORY):$(VERSION)
# Platforms of `make image`, such as linux/amd64,linux/arm64.
PLATFORMS ?= linux/amd64
KUBECTL ?= kubectl
# Flags of the manager in `make run`.
RUN_ARGS ?= --leader-elect=false --metrics-bind-address=0 --health-probe-bind-address=127.0.0.1:8081 \
	--feed-bind-address=127.0.0.1:8082 --feed-base-url=http://127.0.0.1:8082

.PHONY: all
all: build

##@ Generate

.PHONY: manifests
manifests: ## Generate the CRDs and the RBAC role from the Go types and markers.
	$(CONTROLLER_GEN) crd rbac:roleName=reverse-mentoring-operator paths=./api/... paths=./controllers/... \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac
	hack/sync-chart-crds.sh

.PHONY: generate
generate: ## Generate deep-copy code for the API types.
	$(CONTROLLER_GEN) object paths=./api/...

.PHONY: verify
verify: manifests generate api-docs ## Fail when generated files are stale or Go code is not gofmt'ed.
	@test -z "$$(gofmt -l api cmd controllers internal hack charts)" || { gofmt -l api cmd controllers internal hack charts; echo "run gofmt -w"; exit 1; }
	@git diff --exit-code -- api config charts docs || { echo "generated files are stale: run make manifests generate and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- api config charts docs)" || { git status --porcelain -- api config charts docs; echo "untracked generated files: commit them"; exit 1; }

.PHONY: api-docs
api-docs: ## Generate docs/api-reference.md from the API types' doc comments and markers.
	go run ./hack/api-docs -api api/v1alpha1 -out docs/api-reference.md

##@ Run

.PHONY: install
install: ## Install the CRDs into the cluster of the current kubeconfig.
	$(KUBECTL) apply --server-side -k config/crd

.PHONY: uninstall
uninstall: ## Remove the CRDs, and with them every Programme, Participant and Pairing, from the current cluster.
	$(KUBECTL) delete -k config/crd --ignore-not-found

.PHONY: run
run: ## Run the manager on this machine against the current kubeconfig's cluster (after make install).
	go run ./cmd/manager $(RUN_ARGS)

.PHONY: deploy
deploy: ## Install the operator (config/default, namespace reverse-mentoring-system) into the current cluster, running $(IMAGE).
	$(KUBECTL) kustomize config/default | sed 's|image: $(IMAGE_REPOSITORY):$(VERSION)$$|image: $(IMAGE)|' | $(KUBECTL) apply --server-side -f -

.PHONY: undeploy
undeploy: ## Remove what make deploy installed, CRDs included.
	$(KUBECTL) delete -k config/default --ignore-not-found

.PHONY: demo
demo: ## Run the operator on an embedded local control plane with the sample programme (DEMO_ONCE=1 exits after printing).
	hack/demo.sh

##@ Build

.PHONY: build
build: ## Build the manager and the kubectl plugin into bin/.
	go build -o $(BIN)/manager ./cmd/manager
	go build -o $(BIN)/kubectl-mentoring ./cmd/kubectl-mentoring

.PHONY: image
image: ## Build the manager's OCI image, reproducibly and without Docker, into bin/image; prints IMAGE@DIGEST.
	go run ./hack/image -ref $(IMAGE) -platforms $(PLATFORMS) -out $(BIN)/image

.PHONY: vet
vet:
	go vet ./...

##@ Test

.PHONY: envtest-assets
envtest-assets: ## Build (or reuse) kube-apiserver, etcd, kubectl and kube-controller-manager for the tests.
	@hack/envtest-assets.sh >/dev/null
	@hack/envtest-assets.sh kube-controller-manager >/dev/null

.PHONY: test-deps
test-deps: ## Install Radicale, SciPy and the npm format checkers when missing.
	@hack/test-deps.sh

.PHONY: helm
helm: ## Build (or reuse) Helm for the chart tests.
	@hack/helm.sh >/dev/null

# The packages `make test` runs under the race detector: the pure packages and the controllers' own
# helpers. The controllers' envtest suite, the plugin's and hack/ drive a real API server and large
# generated programmes for many minutes; under -race they would run several times slower than CI's two
# cores and 45-minute budget allow, so they run without.
RACE_PACKAGES = $(shell go list ./api/... ./internal/... ./controllers/internal/...)

.PHONY: test
test: test-deps envtest-assets helm vet ## Run every test against a real kube-apiserver and etcd, most under the race detector.
	KUBEBUILDER_ASSETS="$$(hack/envtest-assets.sh)" go test $(GOTEST_FLAGS) -race $(RACE_PACKAGES)
	KUBEBUILDER_ASSETS="$$(hack/envtest-assets.sh)" go test $(GOTEST_FLAGS) $(filter-out $(RACE_PACKAGES),$(shell go list ./...))
