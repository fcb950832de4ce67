package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"
)

// openAPI builds the OpenAPI 3.1 document from the same tables the router
// is built from, so the two cannot drift (a test walks both).
func openAPI() map[string]any {
	paths := map[string]any{}
	op := func(path, method string, v map[string]any) {
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		item[method] = v
	}
	for _, wr := range writes {
		op(wr.path, "post", writeOperation(wr))
	}
	for _, rd := range allReads() {
		op(rd.path, "get", readOperation(rd))
	}
	for _, p := range []struct{ path, summary string }{
		{"/healthz", "Liveness"}, {"/readyz", "Readiness: the store is reachable"},
		{"/metrics", "Prometheus metrics (text format)"}, {"/openapi.json", "This document"},
	} {
		op(p.path, "get", map[string]any{"summary": p.summary, "security": []any{},
			"responses": map[string]any{"200": map[string]any{"description": "OK"}}})
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "caseledger", "version": "1",
			"description": "The probation case ledger: every case action is an immutable event with two clocks."},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         map[string]any{"Problem": schemaOf(reflect.TypeOf(Problem{})), "WriteResult": writeResultSchema()},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func parameters(path string, query []string) []any {
	var out []any
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		out = append(out, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range query {
		out = append(out, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
	}
	return out
}

func writeOperation(wr write) map[string]any {
	body := schemaOf(reflect.TypeOf(wr.newCmd()).Elem())
	props := body["properties"].(map[string]any)
	allowed := wr.bodyFields()
	for name := range props {
		if !allowed[name] {
			delete(props, name)
		}
	}
	if req, ok := body["required"].([]string); ok {
		var keep []string
		for _, f := range req {
			if allowed[f] && f != wr.created {
				keep = append(keep, f)
			}
		}
		body["required"] = keep
	}
	props["occurred_at"] = map[string]any{"type": "string", "format": "date-time", "description": "when it happened (default now; not in the future)"}
	problem := map[string]any{"description": "problem details", "content": map[string]any{
		"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	responses := map[string]any{
		"201": map[string]any{"description": "written", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/WriteResult"}}}},
		"200": map[string]any{"description": "an idempotent replay: the first answer"},
	}
	for _, code := range []string{"400", "401", "403", "404", "409", "412", "413", "415", "422", "500", "503"} {
		responses[code] = problem
	}
	params := parameters(wr.path, nil)
	params = append(params,
		map[string]any{"name": "If-Match", "in": "header", "schema": map[string]any{"type": "string"}},
		map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string", "minLength": 1, "maxLength": 128}})
	return map[string]any{
		"operationId": wr.name, "summary": wr.summary,
		"description": "Records `" + wr.event + "`. Roles: " + strings.Join(wr.rolesOf(), ", ") + ".",
		"parameters":  params,
		"requestBody": map[string]any{"required": false, "content": map[string]any{"application/json": map[string]any{"schema": body}}},
		"responses":   responses,
	}
}

func readOperation(rd read) map[string]any {
	return map[string]any{"operationId": rd.name, "summary": rd.summary, "parameters": parameters(rd.path, rd.query),
		"responses": map[string]any{"200": map[string]any{"description": "OK"}, "401": map[string]any{"description": "unauthorized"},
			"404": map[string]any{"description": "not found"}}}
}

func writeResultSchema() map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{
		"crn": map[string]any{"type": "string"}, "stream": map[string]any{"type": "string"},
		"revision": map[string]any{"type": "integer"}, "position": map[string]any{"type": "integer"},
		"recorded_at": map[string]any{"type": "string", "format": "date-time"},
		"events":      map[string]any{"type": "array", "items": schemaOf(reflect.TypeOf(writtenEvent{}))},
	}}
}

var timeType = reflect.TypeOf(time.Time{})

// schemaOf returns the JSON Schema of a Go type as encoding/json writes it.
func schemaOf(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == reflect.TypeOf(json.RawMessage(nil)):
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Uint64, reflect.Int32, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Struct:
		props, required := map[string]any{}, []string{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = schemaOf(f.Type)
			if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer && f.Type.Kind() != reflect.Bool {
				required = append(required, name)
			}
		}
		return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	}
	return map[string]any{}
}

var openAPIDoc = sync.OnceValue(func() []byte {
	b, _ := json.MarshalIndent(openAPI(), "", "  ")
	return b
})

// handleOpenAPI serves GET /openapi.json.
func (s *Server) handleOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc())
}
