package main

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary act as caseledger itself when
// CASELEDGER_TEST_MAIN is set, so tests can run the real server in a child
// process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("CASELEDGER_TEST_MAIN") == "1" {
		if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "caseledger:", err)
			os.Exit(exitCode(err))
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
