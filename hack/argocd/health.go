// Package argocd holds the Argo CD health check of the operator's kinds: one Lua script for all three,
// to install in the argocd-cm ConfigMap (see README.md), and Health, which runs it the way Argo CD does
// so that tests can check it against real status objects.
package argocd

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Group is the API group whose kinds have a health check here.
const Group = "mentoring.reverse-mentoring.dev"

// Script is the Lua health check of every kind of the group.
//
//go:embed health.lua
var Script string

// kinds are the kinds the health check is for.
var kinds = []string{"Programme", "Participant", "Pairing"}

// Health runs the health check of obj's kind as Argo CD runs a check from argocd-cm: in a fresh Lua state
// with only the package, base and table libraries, obj as the global variable obj, one second to finish,
// and the returned table's status and message as the result. obj is an object as JSON or
// runtime.DefaultUnstructuredConverter decodes it. Like Argo CD, Health reports Unknown when the script
// returns a status Argo CD does not know.
func Health(obj map[string]any) (status, message string, err error) {
	apiVersion, _ := obj["apiVersion"].(string)
	if group, _, _ := strings.Cut(apiVersion, "/"); group != Group {
		return "", "", fmt.Errorf("apiVersion %q is not in the group %s", apiVersion, Group)
	}
	kind, _ := obj["kind"].(string)
	if !slices.Contains(kinds, kind) {
		return "", "", fmt.Errorf("no health check for kind %q", kind)
	}

	state := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer state.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}} {
		if err := state.CallByParam(lua.P{Fn: state.NewFunction(lib.open), Protect: true}, lua.LString(lib.name)); err != nil {
			return "", "", fmt.Errorf("opening the Lua library %q: %w", lib.name, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	state.SetContext(ctx)
	state.SetGlobal("obj", toLua(state, obj))
	if err := state.DoString(Script); err != nil {
		return "", "", fmt.Errorf("running the %s health check: %w", kind, err)
	}

	result, ok := state.Get(-1).(*lua.LTable)
	if !ok {
		return "", "", fmt.Errorf("the %s health check returned %s, not a table", kind, state.Get(-1).Type())
	}
	status = luaString(result.RawGetString("status"))
	message = luaString(result.RawGetString("message"))
	switch status {
	case "Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown":
		return status, message, nil
	default:
		return "Unknown", "Lua returned an invalid health status", nil
	}
}

// luaString is value as a string, or "" when it is nil.
func luaString(value lua.LValue) string {
	if value == lua.LNil {
		return ""
	}
	return value.String()
}

// toLua converts a decoded JSON value into Lua values, as Argo CD does: maps become tables with string
// keys, slices become arrays, every number type becomes a Lua number and json.Number a string.
func toLua(state *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case json.Number:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case []any:
		array := state.CreateTable(len(v), 0)
		for _, item := range v {
			array.Append(toLua(state, item))
		}
		return array
	case map[string]any:
		table := state.CreateTable(0, len(v))
		for key, item := range v {
			table.RawSetString(key, toLua(state, item))
		}
		return table
	default:
		return lua.LNil
	}
}
