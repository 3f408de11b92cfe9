package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// fieldOwner names the plugin in the managed fields of what it changes.
const fieldOwner = "kubectl-mentoring"

// clusterFlags are kubectl's connection flags (--kubeconfig, --context, -n/--namespace, ...).
type clusterFlags struct {
	*genericclioptions.ConfigFlags
}

func newClusterFlags() *clusterFlags {
	return &clusterFlags{genericclioptions.NewConfigFlags(true)}
}

// client connects to the cluster and returns the namespace to work in: -n, or the context's. The API
// server's warnings go to warnings, once each, as kubectl prints them.
func (f *clusterFlags) client(warnings io.Writer) (client.Client, string, error) {
	config, err := f.ToRESTConfig()
	if err != nil {
		return nil, "", err
	}
	config.WarningHandler = rest.NewWarningWriter(warnings, rest.WarningWriterOptions{Deduplicate: true})
	namespace, _, err := f.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil, "", err
	}
	scheme := runtime.NewScheme()
	if err := mentoringv1alpha1.AddToScheme(scheme); err != nil {
		return nil, "", err
	}
	c, err := client.New(config, client.Options{Scheme: scheme})
	return c, namespace, err
}

// completeProgrammes completes the first argument with the namespace's programmes.
func (f *clusterFlags) completeProgrammes(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return f.completeProgrammeFlag(cmd, args, "")
}

// completeProgrammeFlag completes a programme name.
func (f *clusterFlags) completeProgrammeFlag(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var names []cobra.Completion
	c, namespace, err := f.client(io.Discard)
	var list mentoringv1alpha1.ProgrammeList
	if err == nil && c.List(cmd.Context(), &list, client.InNamespace(namespace)) == nil {
		for _, p := range list.Items {
			names = append(names, p.Name)
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// completePairings completes with the pairings that approve would change: not approved, not ended, of
// the --programme when given, and not named yet.
func (f *clusterFlags) completePairings(programme *string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var names []cobra.Completion
		c, namespace, err := f.client(io.Discard)
		var list mentoringv1alpha1.PairingList
		if err == nil && c.List(cmd.Context(), &list, client.InNamespace(namespace)) == nil {
			for _, p := range list.Items {
				if approvable(&p, *programme) && !slices.Contains(args, p.Name) {
					names = append(names, p.Name)
				}
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// unreachable turns an error about reaching the API server (refused, timed out, unknown host, bad
// certificate) into one line that says where the plugin tried and what to check; other errors stay as
// they are.
func unreachable(err error) error {
	var urlErr *url.Error
	if !errors.As(err, &urlErr) {
		return err
	}
	cause := urlErr.Err
	for next := errors.Unwrap(cause); next != nil; next = errors.Unwrap(cause) {
		cause = next
	}
	server := urlErr.URL
	if u, parseErr := url.Parse(urlErr.URL); parseErr == nil {
		server = u.Scheme + "://" + u.Host
	}
	return fmt.Errorf("cannot reach the Kubernetes API server at %s (%v): check --kubeconfig, --context or KUBECONFIG", server, cause)
}
