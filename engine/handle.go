package main

import (
	"encoding/json"
	"fmt"
	"runtime/debug"

	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// request is the envelope of every call; Op picks the operation, the rest is its input.
type request struct {
	Op    string          `json:"op"`
	Input json.RawMessage `json:"input"`
}

type errorResult struct {
	OK    bool     `json:"ok"`
	Error *failure `json:"error"`
}

// failure is an error the host turns into a finding. Kind tells a build error (bad input)
// from an engine fault (panic) and from a confinement refusal.
type failure struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// handle decodes one request, runs it and encodes the result; it never panics.
func handle(in []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			out = encode(errorResult{Error: &failure{Kind: "panic", Message: fmt.Sprintf("engine panic: %v\n%s", r, debug.Stack())}})
		}
	}()
	var req request
	if err := json.Unmarshal(in, &req); err != nil {
		return badRequest(err)
	}
	switch req.Op {
	case "warm":
		return encode(warm())
	case "version":
		return encode(versions())
	case "kustomizeBuild":
		return run(req.Input, kustomizeBuild)
	case "fluxBuild":
		return run(req.Input, fluxBuild)
	case "helmRender":
		return run(req.Input, helmRender)
	case "selectVersion":
		return run(req.Input, selectVersion)
	}
	return encode(errorResult{Error: &failure{Kind: "request", Message: "unknown op " + req.Op}})
}

// run decodes an operation's input into its request type, runs it and encodes the result.
func run[In any, Out any](input json.RawMessage, op func(In) Out) []byte {
	var in In
	if err := json.Unmarshal(input, &in); err != nil {
		return badRequest(err)
	}
	return encode(op(in))
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(errorResult{Error: &failure{Kind: "panic", Message: "cannot encode result: " + err.Error()}})
	}
	return b
}

// versions names the upstream modules linked in, read from the build info.
func versions() map[string]any {
	mods := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		mods["go"] = info.GoVersion
		for _, d := range info.Deps {
			v := d.Version
			if d.Replace != nil {
				v = d.Replace.Version
			}
			mods[d.Path] = v
		}
	}
	return map[string]any{"ok": true, "modules": mods}
}

func badRequest(err error) []byte {
	return encode(errorResult{Error: &failure{Kind: "request", Message: "bad request: " + err.Error()}})
}

// warm parses kyaml's built-in OpenAPI schema now rather than in the first build.
func warm() map[string]any {
	_ = openapi.Schema()
	return map[string]any{"ok": true}
}
