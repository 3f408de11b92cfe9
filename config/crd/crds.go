// Package crd embeds the CustomResourceDefinitions that controller-gen writes into bases/ (make
// manifests), so that programs check manifests against the very CRDs the cluster installs: the kubectl
// plugin builds its offline validation from them, and a regenerated CRD reaches it with the next build.
package crd

import "embed"

// Bases holds bases/*.yaml, one CRD per file.
//
//go:embed bases/*.yaml
var Bases embed.FS
