package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	securefs "github.com/fluxcd/pkg/kustomize/filesys"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// KustomizeRequest is `kustomize build DIR` with the CLI's options. Root is the folder the
// build may read; nothing outside it is reachable (the WASI preopen and a secure file system).
type KustomizeRequest struct {
	Root  string `json:"root"`
	Mount string `json:"mount"` // where the engine's file system has Root

	Dir            string `json:"dir"`
	LoadRestrictor string `json:"loadRestrictor"` // "rootOnly" (default) or "none"
	Reorder        string `json:"reorder"`        // "legacy" (default) or "none"
}

// Resource is one built object: its JSON, where it came from, and (after Flux's
// substitution) the variables it used that had no value.
type Resource struct {
	Object     json.RawMessage `json:"object"`
	Origin     *Origin         `json:"origin,omitempty"`
	Unresolved []string        `json:"unresolved,omitempty"`
	Error      string          `json:"substituteError,omitempty"`
}

type BuildResult struct {
	OK        bool       `json:"ok"`
	YAML      string     `json:"yaml,omitempty"`
	Resources []Resource `json:"resources,omitempty"`
	// Inputs are the files and folders the build looked at, relative to Root.
	Inputs []string `json:"inputs"`
	Error  *failure `json:"error,omitempty"`
	// Generated is the kustomization Flux generated or rewrote (fluxBuild only).
	Generated string `json:"generated,omitempty"`
	Action    string `json:"action,omitempty"`
}

func kustomizeBuild(req KustomizeRequest) BuildResult {
	host, err := confinedHost(req.Root, req.Mount)
	if err != nil {
		return BuildResult{Error: buildFailure(err)}
	}
	fs := newRecordingFS(securefs.MakeFsInMemory(host), req.Root)
	dir := filepath.Clean(req.Dir)
	wantsOrigins, err := requestOrigins(fs, dir)
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	opts := krusty.MakeDefaultOptions()
	opts.PluginConfig = types.DisabledPluginConfig()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	if req.LoadRestrictor == "none" {
		opts.LoadRestrictions = types.LoadRestrictionsNone
	}
	opts.Reorder = krusty.ReorderOptionLegacy
	if req.Reorder == "none" {
		opts.Reorder = krusty.ReorderOptionNone
	}
	m, err := runKustomize(fs, dir, opts)
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	origins, err := takeOrigins(m, req.Root, dir, wantsOrigins)
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	res, err := encodeResources(m, origins, req.Root)
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	out, err := m.AsYaml()
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	return BuildResult{OK: true, YAML: string(out), Resources: res, Inputs: fs.inputs()}
}

// encodeResources gives each resource as JSON, the form kustomize-controller applies.
// A resource that cannot be encoded (a mapping with a key twice) names the file it came from.
func encodeResources(m resmap.ResMap, origins []*Origin, root string) ([]Resource, error) {
	out := make([]Resource, 0, m.Size())
	for i, r := range m.Resources() {
		j, err := r.MarshalJSON()
		if err != nil {
			if o := origins[i]; o != nil && o.File != "" {
				return nil, fmt.Errorf("encoding %s from %s: %w", r.CurId(), filepath.Join(root, o.File), err)
			}
			return nil, fmt.Errorf("encoding %s: %w", r.CurId(), err)
		}
		out = append(out, Resource{Object: j, Origin: origins[i]})
	}
	return out, nil
}

// confinedHost is the repository root as a file system that refuses any path outside it,
// symlinks included (see hostFS).
func confinedHost(root, mount string) (*hostFS, error) {
	if root == "" || !filepath.IsAbs(root) || mount == "" || !filepath.IsAbs(mount) {
		return nil, errors.New("engine: the root and its mount must be absolute paths")
	}
	return newHostFS(root, mount), nil
}

// builtinSchema is the OpenAPI schema version kyaml starts with.
var builtinSchema = openapi.GetSchemaVersion()

// runKustomize runs one kustomize build. A panic inside kustomize becomes an error
// (kustomize-controller does the same). A kustomization's `openapi:` field replaces kyaml's
// global schema and would leak into later builds of this instance, so the schema is reset
// after such a build; the built-in one is then parsed again, lazily, only when needed.
func runKustomize(fs filesys.FileSystem, dir string, opts *krusty.Options) (m resmap.ResMap, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r}
		}
		if openapi.GetSchemaVersion() != builtinSchema {
			openapi.ResetOpenAPI()
		}
	}()
	return krusty.MakeKustomizer(opts).Run(fs, dir)
}

type panicError struct{ value any }

func (p *panicError) Error() string { return fmt.Sprintf("kustomize panicked: %v", p.value) }

var topLevelBuildMetadata = regexp.MustCompile(`(?mi)^buildMetadata\s*:`)

// requestOrigins makes kustomize record each resource's origin (the file it was read from,
// or the generator that made it) by asking for originAnnotations in the top kustomization,
// in the in-memory overlay only. It returns whether the user asked for them already; if not,
// finish() removes them again, as kustomize would have. A file that already sets
// buildMetadata, or is JSON, is left alone (its resources then carry no origin).
func requestOrigins(fs filesys.FileSystem, dir string) (bool, error) {
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		p := filepath.Join(dir, name)
		if !fs.Exists(p) || fs.IsDir(p) {
			continue
		}
		data, err := fs.ReadFile(p)
		var outside *outsideRoot
		if errors.As(err, &outside) {
			return false, err // kustomize would only say the file is missing
		}
		if err != nil {
			return false, nil // let kustomize report it
		}
		text := string(data)
		if topLevelBuildMetadata.MatchString(text) {
			return strings.Contains(text, types.OriginAnnotations), nil
		}
		if strings.HasPrefix(strings.TrimSpace(text), "{") {
			return false, nil
		}
		return false, fs.WriteFile(p, []byte(text+"\nbuildMetadata: ["+types.OriginAnnotations+"]\n"))
	}
	return false, nil
}
