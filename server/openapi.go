package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/ontology"
)

// OpenAPI returns the OpenAPI 3.0 document of the server's routes, made
// from the route table and the JSON shapes of the request and response
// types.
func OpenAPI() map[string]any {
	g := &schemas{defs: map[string]any{}}
	paths := map[string]any{}
	errResp := map[string]any{"description": "an error: {error, kind}", "content": map[string]any{
		"application/json": map[string]any{"schema": g.ref(reflect.TypeOf(Error{}))}}}
	for _, rt := range routes() {
		op := map[string]any{"summary": rt.Summary, "operationId": operationID(rt)}
		var params []any
		for _, name := range pathParams(rt.Path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Request))}}}
		}
		ok := map[string]any{"description": "OK"}
		switch {
		case rt.Response != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Response))}}
		case rt.Content != "":
			ok["content"] = map[string]any{rt.Content: map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		op["responses"] = map[string]any{"200": ok, "default": errResp}
		if rt.Action != "" {
			op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}, map[string]any{}}
			op["x-permission"] = rt.Action
		}
		p := openAPIPath(rt.Path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "qualgraph workbench API", "version": "1",
			"description": "The JSON API of qualgraph serve. Offsets are code points. Errors are {error, kind}."},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
		},
	}
}

var paramRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

// openAPIPath turns a ServeMux path into an OpenAPI one: {$} goes, {x...}
// becomes {x}.
func openAPIPath(p string) string {
	p = strings.TrimSuffix(p, "{$}")
	return paramRE.ReplaceAllString(p, "{$1}")
}

func pathParams(p string) []string {
	var out []string
	for _, m := range paramRE.FindAllStringSubmatch(p, -1) {
		out = append(out, m[1])
	}
	return out
}

func operationID(rt route) string {
	id := strings.ToLower(rt.Method) + paramRE.ReplaceAllString(rt.Path, "By_$1")
	return strings.NewReplacer("/", "_", "{$}", "root", ".", "_", "-", "_").Replace(id)
}

// schemas builds JSON schemas of Go types as encoding/json writes them;
// named struct types go to defs, referred to by $ref.
type schemas struct {
	defs map[string]any
}

var (
	timeType   = reflect.TypeOf(time.Time{})
	attrsType  = reflect.TypeOf(corpus.Attrs{})
	labelsType = reflect.TypeOf(ontology.Labels{})
	marshaler  = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
)

// schemaName names a type in components: package.Type.
func schemaName(t reflect.Type) string {
	pkg := t.PkgPath()
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + t.Name()
}

func (g *schemas) ref(t reflect.Type) map[string]any {
	name := schemaName(t)
	if _, ok := g.defs[name]; !ok {
		g.defs[name] = nil // placeholder against recursion
		g.defs[name] = g.object(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func (g *schemas) schema(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case attrsType:
		return map[string]any{"type": "object", "description": "attribute key to value (string, number or boolean)", "additionalProperties": map[string]any{}}
	case labelsType:
		return map[string]any{"type": "object", "description": "language code to label", "additionalProperties": map[string]any{"type": "string"}}
	}
	if t.Implements(marshaler) {
		return map[string]any{"description": "see " + schemaName(t)}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem())
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		return g.ref(t)
	}
	return map[string]any{}
}

// object is the schema of a struct type's JSON object.
func (g *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, props, &required)
	sort.Strings(required)
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func (g *schemas) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		if !strings.Contains(opts, "omitempty") {
			*required = append(*required, name)
		}
	}
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, _ *caller) {
	writeJSON(w, http.StatusOK, OpenAPI())
}
