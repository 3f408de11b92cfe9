package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// addAttributesFlag adds plan's --attributes: decrypted Secret manifests that hold the participants'
// attributes (spec.attributesSecretRef).
func addAttributesFlag(cmd *cobra.Command, paths *[]string) {
	cmd.Flags().StringArrayVar(paths, "attributes", nil,
		"Secret manifest file or folder holding the attributes that participants' spec.attributesSecretRef names, decrypted\n"+
			"(such as sops -d secret.yaml > /dev/shm/attributes.yaml); repeatable. Without it those attributes are left out, with a warning.")
	_ = cmd.MarkFlagFilename("attributes", "yaml", "yml", "json")
}

// withSecretAttributes adds to each participant the attributes of the Secret it names, read from the
// Secret manifests at paths, as the operator adds them from the cluster's Secrets. Without paths, it
// warns about participants whose attributes are then left out; with paths, a missing or invalid Secret
// is an error.
func withSecretAttributes(programmes []programmeInput, paths []string, warnings io.Writer) ([]programmeInput, error) {
	secrets, err := readSecrets(paths)
	if err != nil {
		return nil, err
	}
	var left []string
	for i := range programmes {
		in := &programmes[i]
		resolved, problems := planner.WithSecretAttributes(in.participants, secrets)
		for _, name := range slices.Sorted(maps.Keys(problems)) {
			if len(paths) > 0 {
				return nil, fmt.Errorf("participant %s: %s", name, problems[name].Message)
			}
			left = append(left, name)
		}
		in.participants = resolved
	}
	if len(left) > 0 {
		fmt.Fprintf(warnings, "Warning: the attributes of %s are in Secrets: pass them decrypted with --attributes, or this plan leaves them out.\n",
			strings.Join(left, ", "))
	}
	return programmes, nil
}

// readSecrets reads the data of the Secret manifests in files and folders (*.yaml, *.yml, *.json), by
// Secret name, with stringData merged over data as the API server does. Other kinds are ignored.
func readSecrets(paths []string) (map[string]map[string][]byte, error) {
	secrets := map[string]map[string][]byte{}
	for _, path := range paths {
		err := filepath.WalkDir(path, func(file string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (file != path && !slices.Contains([]string{".yaml", ".yml", ".json"}, filepath.Ext(file))) {
				return err
			}
			data, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			documents := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
			for n := 1; ; n++ {
				document, err := documents.Read()
				if err == io.EOF {
					return nil
				}
				var secret corev1.Secret
				if err == nil {
					err = yaml.Unmarshal(document, &secret)
				}
				if err != nil {
					// The error may quote the document, which holds decrypted values: name the place only.
					return fmt.Errorf("%s: document %d is not a Secret manifest", file, n)
				}
				if secret.Kind != "Secret" {
					continue
				}
				merged := secret.Data
				if merged == nil {
					merged = map[string][]byte{}
				}
				for key, value := range secret.StringData {
					merged[key] = []byte(value)
				}
				secrets[secret.Name] = merged
			}
		})
		if err != nil {
			return nil, fmt.Errorf("--attributes: %w", err)
		}
	}
	return secrets, nil
}
