package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/caseledger/caseledger/api"
)

// runToken serves `caseledger token new`: it prints a fresh token and appends
// its hash, with the identity it stands for, to the tokens file.
func runToken(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "new" {
		fmt.Fprintln(stderr, "usage: caseledger token new --id ID --name NAME --org ORG --roles ROLE[,ROLE] [--file FILE]")
		return errUsage
	}
	fs := flag.NewFlagSet("token new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	id := fs.String("id", "", "the caller's id (a practitioner's officer code)")
	name := fs.String("name", "", "the caller's name")
	org := fs.String("org", "", "the caller's organisation (a practitioner's provider code)")
	roles := fs.String("roles", "", "comma-separated roles: "+strings.Join(api.Roles, ", "))
	file := fs.String("file", "tokens.json", "the tokens file to append to")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	token, err := NewToken(*file, api.TokenEntry{ID: *id, Name: *name, Organisation: *org, Roles: splitRoles(*roles)})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}

func splitRoles(s string) []string {
	var out []string
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// NewToken makes a random token for entry, appends its hash to the tokens
// file at path (creating it), and returns the token.
func NewToken(path string, entry api.TokenEntry) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := "clt_" + base64.RawURLEncoding.EncodeToString(raw)
	entry.TokenSHA256 = api.HashToken(token)
	var entries []api.TokenEntry
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return "", err
	default:
		if _, err := api.ParseTokens(data); err != nil {
			return "", err
		}
		if err := json.Unmarshal(data, &entries); err != nil {
			return "", err
		}
	}
	entries = append(entries, entry)
	out, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return "", err
	}
	if _, err := api.ParseTokens(out); err != nil {
		return "", err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(out, '\n'), 0o600); err != nil {
		return "", err
	}
	return token, os.Rename(tmp, path)
}
