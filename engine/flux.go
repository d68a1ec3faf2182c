package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/fluxcd/pkg/envsubst"
	fluxkustomize "github.com/fluxcd/pkg/kustomize"
	securefs "github.com/fluxcd/pkg/kustomize/filesys"
	"github.com/fluxcd/pkg/sourceignore"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// FluxRequest builds a Flux Kustomization's spec.path as kustomize-controller does: Flux's
// generator writes (or completes) the kustomization file from the spec — targetNamespace,
// namePrefix/nameSuffix, patches, images, components — kustomize builds it with
// LoadRestrictionsNone inside the root, then postBuild substitution runs on every resource
// with the given variables (substituteFrom is resolved by the host, which knows what the
// repository applies), and commonMetadata is set.
type FluxRequest struct {
	Root          string         `json:"root"`
	Mount         string         `json:"mount"` // where the engine's file system has Root
	Dir           string         `json:"dir"`
	Kustomization map[string]any `json:"kustomization"`
	// Variables are spec.postBuild's values, substituteFrom merged with substitute by the host;
	// nil when the Kustomization has no postBuild (then nothing is substituted).
	Variables map[string]string `json:"variables"`
	// Strict is kustomize-controller's --feature-gates=StrictPostBuildSubstitutions.
	Strict bool `json:"strict"`
}

// sourceControllerIgnore is what source-controller leaves out of every artifact, so a
// generated kustomization does not list it either.
var sourceControllerIgnore = strings.ReplaceAll(strings.Join([]string{sourceignore.ExcludeVCS, sourceignore.ExcludeExt, sourceignore.ExcludeCI, sourceignore.ExcludeExtra}, ","), ",", "\n")

func hasKustomizationFile(fs filesys.FileSystem, dir string) bool {
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		if p := filepath.Join(dir, name); fs.Exists(p) && !fs.IsDir(p) {
			return true
		}
	}
	return false
}

func fluxBuild(req FluxRequest) BuildResult {
	root, dir := filepath.Clean(req.Root), filepath.Clean(req.Dir)
	host, err := confinedHost(root, req.Mount)
	if err != nil {
		return BuildResult{Error: buildFailure(err)}
	}
	if _, err := host.resolve(dir); err != nil {
		return BuildResult{Error: buildFailure(err)}
	}
	fs := newRecordingFS(securefs.MakeFsInMemory(host), root)
	ks := unstructured.Unstructured{Object: req.Kustomization}

	// kustomize-controller's generator works on an artifact from which source-controller has
	// already left out its default exclusions; when Flux generates the kustomization (no file in
	// the folder), the same patterns keep those files out of it. An existing kustomization is
	// taken as it is, as the controller does.
	// The generator reads the disk itself (fluxcd/pkg's secure file system), so it is given
	// the mount; the file it names is taken back to the host's path.
	gen := fluxkustomize.NewGenerator(host.mount, ks)
	if !hasKustomizationFile(fs, dir) {
		gen = fluxkustomize.NewGeneratorWithIgnore(host.mount, sourceControllerIgnore, ks)
	}
	manifest, kfile, action, err := gen.GenerateManifest(host.toMount(dir))
	kfile = host.toHost(kfile)
	fs.note(dir)
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	fs.note(kfile)
	withOrigins, wantsOrigins, err := addOriginAnnotations(manifest)
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	if err := fs.WriteFile(kfile, withOrigins); err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	m, err := runKustomize(fs, dir, fluxBuildOptions())
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs(), Generated: string(manifest), Action: string(action)}
	}
	origins, err := takeOrigins(m, root, dir, wantsOrigins)
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	res, err := encodeResources(m, origins, root)
	if err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	if req.Variables != nil {
		for i, r := range m.Resources() {
			substitute(ks, r, req.Variables, req.Strict, &res[i])
		}
	}
	if err := setCommonMetadata(ks, res); err != nil {
		return BuildResult{Error: buildFailure(err), Inputs: fs.inputs()}
	}
	return BuildResult{OK: true, Resources: res, Inputs: fs.inputs(), Generated: string(manifest), Action: string(action)}
}

// fluxBuildOptions are the options of fluxcd/pkg/kustomize.Build: files anywhere inside the
// root, builtin plugins only. That function is not called because it re-parses kyaml's
// built-in OpenAPI schema before every build (about 0.4 s in WebAssembly); runKustomize
// isolates builds from each other's schema more cheaply.
func fluxBuildOptions() *krusty.Options {
	return &krusty.Options{LoadRestrictions: kustypes.LoadRestrictionsNone, PluginConfig: kustypes.DisabledPluginConfig()}
}

// addOriginAnnotations asks the build to annotate origins (see requestOrigins); Flux's
// generator always re-marshals the kustomization, so it is edited as a struct here.
func addOriginAnnotations(manifest []byte) ([]byte, bool, error) {
	var kus kustypes.Kustomization
	if err := yaml.Unmarshal(manifest, &kus); err != nil {
		return nil, false, err
	}
	for _, m := range kus.BuildMetadata {
		if m == kustypes.OriginAnnotations {
			return manifest, true, nil
		}
	}
	kus.BuildMetadata = append(kus.BuildMetadata, kustypes.OriginAnnotations)
	out, err := yaml.Marshal(kus)
	return out, false, err
}

// substitute runs Flux's own postBuild substitution on one resource, with the host's
// variables given as spec.postBuild.substitute (dry-run: no cluster to read substituteFrom
// from). Before that it finds, with envsubst's strict mode, the variables the resource uses
// that have neither a value nor a default: Flux silently makes them empty, a check reports them.
func substitute(ks unstructured.Unstructured, r *resource.Resource, vars map[string]string, strict bool, out *Resource) {
	withVars := ks.DeepCopy()
	values := make(map[string]any, len(vars))
	for k, v := range vars {
		values[k] = v
	}
	if err := unstructured.SetNestedField(withVars.Object, values, "spec", "postBuild", "substitute"); err != nil {
		out.Error = err.Error()
		return
	}
	unstructured.RemoveNestedField(withVars.Object, "spec", "postBuild", "substituteFrom")
	// The resource's JSON (encoded already) names the same variables as its YAML, and costs
	// nothing more; without a '$' no variable is used at all.
	if len(vars) > 0 && bytes.IndexByte(out.Object, '$') >= 0 {
		out.Unresolved = unresolvedVariables(string(out.Object), vars)
	}
	done, err := fluxkustomize.SubstituteVariables(context.Background(), nil, *withVars, r,
		fluxkustomize.SubstituteWithDryRun(true), fluxkustomize.SubstituteWithStrict(strict))
	if err != nil {
		out.Error = err.Error()
		return
	}
	if done == nil { // substitution disabled for this resource
		out.Unresolved = nil
		return
	}
	j, err := done.MarshalJSON()
	if err != nil {
		out.Error = err.Error()
		return
	}
	out.Object = j
}

// unresolvedVariables lists, sorted, the variables envsubst's strict mode refuses: used bare
// or with a transformation, with no value. Each refusal names one; it is then given an empty
// value and the text is evaluated again, so the loop ends after one pass per such variable.
func unresolvedVariables(text string, vars map[string]string) []string {
	tmpl, err := envsubst.Parse(text)
	if err != nil {
		return nil
	}
	missing := map[string]bool{}
	for i := 0; i < 1000; i++ {
		_, err := tmpl.Execute(func(name string) (string, bool) {
			if v, ok := vars[name]; ok {
				return v, true
			}
			return "", missing[name]
		})
		if err == nil {
			break
		}
		name, ok := strictMissingName(err)
		if !ok || missing[name] {
			break
		}
		missing[name] = true
	}
	out := make([]string, 0, len(missing))
	for n := range missing {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// strictMissingName reads the variable name from envsubst's `variable not set (strict mode): "NAME"`.
func strictMissingName(err error) (string, bool) {
	msg := err.Error()
	i := strings.LastIndex(msg, ": ")
	if i < 0 || !strings.Contains(msg, "strict mode") {
		return "", false
	}
	name, uerr := strconv.Unquote(msg[i+2:])
	return name, uerr == nil
}

var errBadCommonMetadata = errors.New("spec.commonMetadata must hold labels and annotations as string maps")

// setCommonMetadata merges spec.commonMetadata's labels and annotations into every resource,
// over the resource's own (kustomize-controller does this before applying).
func setCommonMetadata(ks unstructured.Unstructured, res []Resource) error {
	labels, _, err := unstructured.NestedStringMap(ks.Object, "spec", "commonMetadata", "labels")
	if err != nil {
		return errBadCommonMetadata
	}
	annotations, _, err := unstructured.NestedStringMap(ks.Object, "spec", "commonMetadata", "annotations")
	if err != nil {
		return errBadCommonMetadata
	}
	if len(labels) == 0 && len(annotations) == 0 {
		return nil
	}
	for i := range res {
		var u unstructured.Unstructured
		if err := u.UnmarshalJSON(res[i].Object); err != nil {
			return fmt.Errorf("commonMetadata: %w", err)
		}
		if len(labels) > 0 {
			u.SetLabels(overlay(u.GetLabels(), labels))
		}
		if len(annotations) > 0 {
			u.SetAnnotations(overlay(u.GetAnnotations(), annotations))
		}
		j, err := u.MarshalJSON()
		if err != nil {
			return err
		}
		res[i].Object = j
	}
	return nil
}

// overlay sets every entry of top in base (a new map when base is nil) and returns it.
func overlay(base, top map[string]string) map[string]string {
	if base == nil {
		base = make(map[string]string, len(top))
	}
	for k, v := range top {
		base[k] = v
	}
	return base
}
