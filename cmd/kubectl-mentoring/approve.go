package main

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// approval is the merge patch approve sends: it touches spec.approved and nothing else.
var approval = client.RawPatch(types.MergePatchType, []byte(`{"spec":{"approved":true}}`))

func newApproveCommand(cluster *clusterFlags) *cobra.Command {
	var (
		all       bool
		programme string
	)
	cmd := &cobra.Command{
		Use:   "approve (PAIRING... | --all) [--programme NAME]",
		Short: "Approve pairings: set spec.approved, which starts them under Manual approval",
		Long: "approve sets spec.approved on the named pairings, or with --all on every pairing of the namespace\n" +
			"(of --programme, when given) that has not ended and is not approved yet. Under a programme's\n" +
			"Manual approval a pairing starts once approved; under Automatic approval it has no effect.",
		Example: "  kubectl mentoring approve digital-leaders-0c1d2e3f4a\n" +
			"  kubectl mentoring approve --all --programme digital-leaders -n mentoring",
		ValidArgsFunction: cluster.completePairings(&programme),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return errors.New("name the pairings to approve, or use --all")
			}
			c, namespace, err := cluster.client(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			var pairings []mentoringv1alpha1.Pairing
			var errs []error
			if all {
				var list mentoringv1alpha1.PairingList
				if err := c.List(cmd.Context(), &list, client.InNamespace(namespace)); err != nil {
					return unreachable(err)
				}
				for _, p := range list.Items {
					if approvable(&p, programme) {
						pairings = append(pairings, p)
					}
				}
				slices.SortFunc(pairings, func(a, b mentoringv1alpha1.Pairing) int { return cmp.Compare(a.Name, b.Name) })
				if len(pairings) == 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "No pairings to approve in namespace %s.\n", namespace)
				}
			}
			for _, name := range args {
				var p mentoringv1alpha1.Pairing
				err := c.Get(cmd.Context(), client.ObjectKey{Namespace: namespace, Name: name}, &p)
				switch {
				case err != nil:
					errs = append(errs, unreachable(err))
				case programme != "" && p.Spec.ProgrammeRef.Name != programme:
					errs = append(errs, fmt.Errorf("pairing %s belongs to programme %s, not %s", name, p.Spec.ProgrammeRef.Name, programme))
				case p.Status.Ended != nil:
					errs = append(errs, fmt.Errorf("pairing %s has ended (%s): create a new one instead", name, p.Status.Ended.Reason))
				default:
					pairings = append(pairings, p)
				}
			}
			for _, p := range pairings {
				if p.Spec.Approved {
					fmt.Fprintf(cmd.OutOrStdout(), "pairing/%s unchanged: already approved\n", p.Name)
					continue
				}
				if err := c.Patch(cmd.Context(), &p, approval, client.FieldOwner(fieldOwner)); err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "pairing/%s approved: %s mentors %s in programme %s\n",
					p.Name, p.Spec.MentorRef.Name, p.Spec.MenteeRef.Name, p.Spec.ProgrammeRef.Name)
			}
			return errors.Join(errs...)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "Approve every pairing of the namespace that has not ended and is not approved yet.")
	cmd.Flags().StringVar(&programme, "programme", "", "Only pairings of this Programme.")
	_ = cmd.RegisterFlagCompletionFunc("programme", cluster.completeProgrammeFlag)
	cluster.AddFlags(cmd.Flags())
	return cmd
}

// approvable reports whether approve --all would change the pairing: not approved, not ended, and of
// the programme when one is given.
func approvable(p *mentoringv1alpha1.Pairing, programme string) bool {
	return !p.Spec.Approved && p.Status.Ended == nil && (programme == "" || p.Spec.ProgrammeRef.Name == programme)
}
