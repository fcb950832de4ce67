package api_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// chromiumPath is where CI installs the browser (.ci/run: apt-get install -y chromium).
const chromiumPath = "/usr/bin/chromium"

// screenshotEnv, set to 1, writes the page's screenshot to docs/timeline.png.
const screenshotEnv = "CASELEDGER_UPDATE_SCREENSHOT"

// TestTimelinePageInBrowser renders the incident's printable timeline in a
// real headless browser, under the page's own Content-Security-Policy: the
// rendered DOM holds the swimlanes, the findings and the chronology, and the
// screenshot is a real picture. With CASELEDGER_UPDATE_SCREENSHOT=1 the
// screenshot is kept as docs/timeline.png.
func TestTimelinePageInBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s is not installed: %v", chromiumPath, err)
	}
	h := newHarness(t)
	h.seedOrg(t)
	in := newIncident(t, h)
	d := in.timeline(t, h)
	pageURL := reviewerProxy(t, h) + "/v1/cases/" + in.crn + "/timeline?format=html"

	t.Run("the rendered DOM", func(t *testing.T) {
		dom, log := runChromium(t, "--dump-dom", pageURL)
		require.Contains(t, dom, "<svg", "the swimlanes")
		for _, lane := range []string{"Owner", "RoSH", "Custody", "Appointments", "Information", "Findings"} {
			require.Contains(t, dom, ">"+lane+"</text>", "the %s lane is labelled", lane)
		}
		require.Contains(t, dom, "<h2>Findings (")
		for _, f := range d.Findings {
			require.Contains(t, dom, `<span class="rule">`+f.Rule+`</span>`)
		}
		late := countRule(d.Findings, "late_entry")
		require.Equal(t, late, strings.Count(dom, `<tr class="late-entry">`), "every late entry, in the late entries table")
		require.Equal(t, len(d.Findings)-late, strings.Count(dom, `<div class="finding">`), "every finding")
		require.Contains(t, dom, "<h2>Chronology (")
		for _, e := range d.Entries {
			require.Contains(t, dom, `<tr id="ev-`+e.EventID+`"`, "a chronology row for %s", e.Type)
		}
		require.Contains(t, dom, "&lt;script&gt;alert(1)&lt;/script&gt;", "the free text is text")
		require.NotRegexp(t, rawScript, dom, "no script element in the rendered page")
		require.NotContains(t, log, "Content Security Policy", "the page's own stylesheet is allowed by its CSP")
	})

	t.Run("the screenshot", func(t *testing.T) {
		shot := filepath.Join(t.TempDir(), "timeline.png")
		if os.Getenv(screenshotEnv) == "1" {
			var err error
			shot, err = filepath.Abs(filepath.Join("..", "docs", "timeline.png"))
			require.NoError(t, err)
		}
		_ = os.Remove(shot) // a screenshot left from before must not pass for this one
		runChromium(t, "--screenshot="+shot, pageURL)
		b, err := os.ReadFile(shot)
		require.NoError(t, err, "chromium wrote no screenshot")
		require.True(t, bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")), "a PNG")
		require.Greater(t, len(b), 10*1024, "a real page, not a blank one")
		img, err := png.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		require.Equal(t, image.Rect(0, 0, 1280, 2000), img.Bounds(), "the window size asked for")
		require.Greater(t, distinctColours(img, 64), 16, "lanes, findings and text in many colours")
		t.Logf("screenshot: %s (%d bytes)", shot, len(b))
	})
}

// reviewerProxy starts a reverse proxy on 127.0.0.1:0 that forwards to the
// harness's server with the reviewer's bearer token — the browser cannot
// send one — and returns its base URL.
func reviewerProxy(t *testing.T, h *harness) string {
	t.Helper()
	target, err := url.Parse(h.base)
	require.NoError(t, err)
	transport := &http.Transport{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = transport
	direct := proxy.Director
	proxy.Director = func(r *http.Request) {
		direct(r)
		r.Header.Set("Authorization", "Bearer "+tokReviewer)
	}
	front := httptest.NewServer(proxy)
	t.Cleanup(func() {
		front.Close()
		transport.CloseIdleConnections()
	})
	return front.URL
}

// runChromium runs headless chromium with one action (--dump-dom or
// --screenshot=FILE) on url, in a fresh profile, and returns what it wrote
// to stdout and to stderr.
func runChromium(t *testing.T, action, url string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--hide-scrollbars", "--enable-logging=stderr", "--user-data-dir="+t.TempDir(), "--window-size=1280,2000", action, url)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "chromium %s: %s", action, stderr.String())
	return stdout.String(), stderr.String()
}

// distinctColours counts the colours of img, each channel cut to 8 bits,
// stopping at limit.
func distinctColours(img image.Image, limit int) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}
