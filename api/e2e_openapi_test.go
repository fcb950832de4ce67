package api_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// operation is a method and a path template.
type operation struct{ method, path string }

func (o operation) String() string { return o.method + " " + o.path }

// documented reads the operations of the served OpenAPI document.
func documented(t *testing.T, h *harness) (map[operation]map[string]any, []operation) {
	t.Helper()
	r := h.get(t, "", "/openapi.json")
	require.Equal(t, http.StatusOK, r.status)
	ops := map[operation]map[string]any{}
	var list []operation
	for path, item := range jsonOf(t, r)["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				o := operation{strings.ToUpper(method), path}
				ops[o] = op.(map[string]any)
				list = append(list, o)
			}
		}
	}
	return ops, list
}

// routed lists the operations the router serves, walked from the router.
func routed(h *harness) []operation {
	var out []operation
	for _, r := range h.api.Routes() {
		out = append(out, operation{r.Method, r.Path})
	}
	return out
}

func sorted(ops []operation) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = o.String()
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIInStepWithRouter checks that every routed (method, path
// template) is in /openapi.json and that the document has no other.
func TestOpenAPIInStepWithRouter(t *testing.T) {
	h := newHarness(t)
	_, docOps := documented(t, h)
	routes := routed(h)
	require.NotEmpty(t, routes)
	require.Equal(t, sorted(routes), sorted(docOps))
}

// TestEveryWriteOfAPIMDIsRouted checks the router's POST routes are exactly
// the writes of API.md, as the tests know them.
func TestEveryWriteOfAPIMDIsRouted(t *testing.T) {
	h := newHarness(t)
	var posts []string
	for _, o := range routed(h) {
		if o.method == http.MethodPost {
			posts = append(posts, o.path)
		}
	}
	var want []string
	for _, r := range writeRoutes {
		want = append(want, r.path)
	}
	require.Len(t, want, 47, "the writes table of API.md")
	require.ElementsMatch(t, want, posts)
}

var templateVar = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestOpenAPIWriteOperations checks what the document says of each write:
// its path parameters, the headers, occurred_at in the body, and the
// statuses of API.md.
func TestOpenAPIWriteOperations(t *testing.T) {
	h := newHarness(t)
	ops, _ := documented(t, h)
	ids := map[string]bool{}
	for _, r := range writeRoutes {
		t.Run(strings.TrimPrefix(r.path, "/v1/"), func(t *testing.T) {
			op, ok := ops[operation{http.MethodPost, r.path}]
			require.True(t, ok)
			id, _ := op["operationId"].(string)
			require.NotEmpty(t, id)
			require.False(t, ids[id], "operationId %s is unique", id)
			ids[id] = true

			params := map[string]string{}
			for _, p := range op["parameters"].([]any) {
				p := p.(map[string]any)
				params[p["name"].(string)] = p["in"].(string)
			}
			for _, m := range templateVar.FindAllStringSubmatch(r.path, -1) {
				require.Equal(t, "path", params[m[1]], "path parameter %s", m[1])
			}
			require.Equal(t, "header", params["If-Match"])
			require.Equal(t, "header", params["Idempotency-Key"])

			schema := op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
			props := schema["properties"].(map[string]any)
			require.Contains(t, props, "occurred_at")
			for _, m := range templateVar.FindAllStringSubmatch(r.path, -1) {
				if m[1] != "crn" {
					require.NotContains(t, props, m[1], "a path variable is not a body field")
				}
			}
			if r.created != "" {
				require.Contains(t, props, r.created, "the id it creates may be given")
			}
			responses := op["responses"].(map[string]any)
			for _, status := range []string{"200", "201", "400", "401", "403", "404", "409", "412", "413", "415", "422", "500", "503"} {
				require.Contains(t, responses, status)
			}
		})
	}
}
