package main

import "github.com/spf13/cobra"

func newImportCommand() *cobra.Command { return &cobra.Command{Use: "import"} }
