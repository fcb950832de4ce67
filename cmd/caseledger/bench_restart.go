package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/caseledger/caseledger/api"
)

// restartFigures are one restart of `caseledger serve` over a data
// directory: how long until it listened (the store opened and the
// projections' snapshot loaded), until /readyz answered 200 (the
// projections caught up with the store), and until the Merkle tree, rebuilt
// from the store in the background after a restart, had caught up too; and
// its resident memory when ready and, at its peak, once the tree caught up.
type restartFigures struct {
	serving, ready, tree time.Duration
	readyMiB, peakMiB    float64
}

// restart starts this binary's `serve` over dir as a child process, waits
// until it is ready and then until its Merkle tree has caught up (asking,
// as an auditor, for the checkpoints, which waits for the tree), reads its
// memory and stops it.
func restart(ctx context.Context, dir string) (restartFigures, error) {
	var f restartFigures
	exe, err := os.Executable()
	if err != nil {
		return f, err
	}
	tmp, err := os.MkdirTemp("", "caseledger-bench-tokens-")
	if err != nil {
		return f, err
	}
	defer os.RemoveAll(tmp)
	tokens := filepath.Join(tmp, "tokens.json")
	auditor, err := NewToken(tokens, api.TokenEntry{ID: "bench-auditor", Name: "Bench Auditor", Organisation: "HMPPS", Roles: []string{api.RoleAuditor}})
	if err != nil {
		return f, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	cmd := exec.Command(exe, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--tokens", tokens)
	cmd.Env = append(os.Environ(), "CASELEDGER_TEST_MAIN=1") // lets a test binary act as caseledger (see TestMain)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return f, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return f, err
	}
	defer stopChild(cmd)
	base, err := servingAddress(out)
	if err != nil {
		return f, fmt.Errorf("restart: %w", err)
	}
	f.serving = time.Since(start)
	if err := waitReady(ctx, base); err != nil {
		return f, fmt.Errorf("restart: %w", err)
	}
	f.ready = time.Since(start)
	if f.readyMiB, _, err = processMemory(cmd.Process.Pid); err != nil {
		return f, err
	}
	if err := getOK(ctx, base+"/v1/audit/checkpoints", auditor); err != nil {
		return f, fmt.Errorf("restart: the Merkle tree: %w", err)
	}
	f.tree = time.Since(start)
	_, f.peakMiB, err = processMemory(cmd.Process.Pid)
	f.readyMiB, f.peakMiB = f.readyMiB/1024, f.peakMiB/1024
	return f, err
}

// getOK sends an authenticated GET and wants 200.
func getOK(ctx context.Context, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// servingAddress reads serve's first line, "caseledger serving http://ADDR (store: ...)".
func servingAddress(out interface{ Read([]byte) (int, error) }) (string, error) {
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		return "", errors.New("serve exited before listening")
	}
	_, rest, ok := strings.Cut(sc.Text(), "serving ")
	base, _, _ := strings.Cut(rest, " ")
	if !ok || !strings.HasPrefix(base, "http://") {
		return "", fmt.Errorf("unexpected first line from serve: %q", sc.Text())
	}
	go func() { // keep the pipe drained
		for sc.Scan() {
		}
	}()
	return base, nil
}

// waitReady polls /readyz until it answers 200.
func waitReady(ctx context.Context, base string) error {
	client := &http.Client{Timeout: 10 * time.Minute}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// stopChild asks the server to shut down, and kills it if it does not.
func stopChild(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// measureRestart restarts serve over the bench's data once per run. Below
// 1,000,000 cases and 20,000,000 events the figures are reported, not
// judged: the targets are for that scale (--large).
func (b *bencher) measureRestart(ctx context.Context, rep *benchReport, atScale bool) error {
	var ready, serving, tree, readyMiB, peakMiB []float64
	for run := range b.cfg.runs {
		b.prog.step("restart to ready, run %d of %d", run+1, b.cfg.runs)
		f, err := restart(ctx, b.dir)
		if err != nil {
			rep.add(notMeasured(rowMemory, "peak resident", unitMiB, err).atMost(2048))
			rep.add(notMeasured(rowRestart, "seconds", unitS, err).atMost(30))
			return nil
		}
		ready, serving, tree = append(ready, f.ready.Seconds()), append(serving, f.serving.Seconds()), append(tree, f.tree.Seconds())
		readyMiB, peakMiB = append(readyMiB, f.readyMiB), append(peakMiB, f.peakMiB)
	}
	scale := fmt.Sprintf("a fresh `serve` over %s events, peak (VmHWM) once its Merkle tree caught up", thousands(float64(rep.Scale.Events)))
	mem := measured(rowMemory, "peak resident", unitMiB, peakMiB).atMost(2048)
	rst := measured(rowRestart, "seconds", unitS, ready).atMost(30)
	if !atScale {
		scale += "; not the target's 1,000,000 cases / 20,000,000 events, so not judged (--large measures at scale)"
		mem, rst = mem.unjudged(), rst.unjudged()
	}
	atReady, _ := median(readyMiB)
	servMed, _ := median(serving)
	treeMed, _ := median(tree)
	rep.add(mem.note("%s; resident when ready %s MiB", scale, thousands(atReady)))
	rep.add(rst.note("to /readyz 200 (projections caught up); listening (snapshot loaded) after %.2f s; Merkle tree caught up after %.2f s", servMed, treeMed))
	return nil
}
