// Command kubectl-mentoring is the kubectl plugin of the reverse-mentoring operator (`kubectl mentoring
// ...`). plan and explain read manifests and run the operator's own planner offline, so a pull request
// shows the pairings it would make; status and approve talk to a cluster.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit code; errors go to stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	return 0
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "kubectl-mentoring",
		Short: "Plan, explain, inspect and approve reverse mentoring pairings",
		Long: "kubectl-mentoring previews and explains what the reverse-mentoring operator does with Programme,\n" +
			"Participant and Pairing manifests (plan, explain: offline, the operator's own planner), and shows\n" +
			"and approves what it did in a cluster (status, approve).\n\n" +
			"Completion: `kubectl-mentoring completion bash` (or zsh, fish, powershell) prints a script for the\n" +
			"binary; for `kubectl mentoring <TAB>`, put an executable kubectl_complete-mentoring on the PATH\n" +
			"that runs `kubectl-mentoring __complete \"$@\"`.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Annotations: map[string]string{
			// Help and completion scripts then say `kubectl mentoring`.
			cobra.CommandDisplayNameAnnotation: "kubectl mentoring",
		},
	}
	cluster := newClusterFlags()
	root.AddCommand(newPlanCommand(cluster), newExplainCommand(), newStatusCommand(cluster), newApproveCommand(cluster), newImportCommand(),
		newReportCommand(cluster))
	return root
}
