package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	v2 "github.com/fluxcd/helm-controller/api/v2"
	fluxchartutil "github.com/fluxcd/pkg/chartutil"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	release "helm.sh/helm/v4/pkg/release/v1"
	"sigs.k8s.io/yaml"
)

// HelmRenderRequest renders one HelmRelease the way helm-controller installs it, without a
// cluster: the release (as Flux applies it), the chart (archive bytes or a folder of the
// repository), the ConfigMaps and Secrets its valuesFrom may name, and the cluster's
// capabilities (Kubernetes version, API versions).
type HelmRenderRequest struct {
	Release     map[string]any   `json:"release"`
	Chart       ChartInput       `json:"chart"`
	ValuesFrom  []map[string]any `json:"valuesFrom"`
	KubeVersion string           `json:"kubeVersion"`
	APIVersions []string         `json:"apiVersions"`
}

// RenderedResource is one object Helm would apply. Source is the chart template that made it
// ("podinfo/templates/deployment.yaml"); Hook lists the hook events when it is a hook; CRD marks
// a file of a chart's crds/ folder (applied before the release by helm-controller's CRD policy).
type RenderedResource struct {
	Object json.RawMessage `json:"object"`
	Source string          `json:"source,omitempty"`
	Hook   []string        `json:"hook,omitempty"`
	CRD    bool            `json:"crd,omitempty"`
}

type HelmRenderResult struct {
	OK               bool               `json:"ok"`
	Error            *failure           `json:"error,omitempty"`
	ReleaseName      string             `json:"releaseName,omitempty"`
	Namespace        string             `json:"namespace,omitempty"`
	StorageNamespace string             `json:"storageNamespace,omitempty"`
	Chart            *ChartMeta         `json:"chart,omitempty"`
	Resources        []RenderedResource `json:"resources,omitempty"`
	Notes            string             `json:"notes,omitempty"`
}

type ChartMeta struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	AppVersion string `json:"appVersion,omitempty"`
}

func helmFailure(kind string, err error) HelmRenderResult {
	return HelmRenderResult{Error: &failure{Kind: kind, Message: err.Error()}}
}

func helmRender(req HelmRenderRequest) HelmRenderResult {
	hr, err := decodeHelmRelease(req.Release)
	if err != nil {
		return helmFailure("release", err)
	}
	chrt, err := loadChart(req.Chart)
	if err != nil {
		return helmFailure("chart", err)
	}
	values, err := composeValues(hr, req.ValuesFrom)
	if err != nil {
		return helmFailure("values", err)
	}
	install, err := newClientOnlyInstall(hr, req)
	if err != nil {
		return helmFailure("release", err)
	}
	rel, err := runInstall(install, chrt, values)
	if err != nil {
		return helmFailure(classifyRenderError(err), err)
	}
	out := HelmRenderResult{
		OK:               true,
		ReleaseName:      install.ReleaseName,
		Namespace:        install.Namespace,
		StorageNamespace: hr.GetStorageNamespace(),
		Chart:            &ChartMeta{Name: chrt.Metadata.Name, Version: chrt.Metadata.Version, AppVersion: chrt.Metadata.AppVersion},
		Notes:            rel.Info.Notes,
	}
	if out.Resources, err = collectResources(rel, chrt, hr); err != nil {
		return helmFailure("render", err)
	}
	return out
}

// decodeHelmRelease reads the object into helm-controller's own type, so release name,
// namespaces and install options come from its accessors, not from our reading of the spec.
func decodeHelmRelease(obj map[string]any) (*v2.HelmRelease, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	hr := &v2.HelmRelease{}
	if err := json.Unmarshal(b, hr); err != nil {
		return nil, fmt.Errorf("the HelmRelease does not match helm.toolkit.fluxcd.io/v2: %w", err)
	}
	if hr.Namespace == "" {
		hr.Namespace = "default"
	}
	return hr, nil
}

// newClientOnlyInstall is helm-controller's install action (internal/action/install.go) as
// `helm template` runs it: a client-side dry run with the given capabilities.
func newClientOnlyInstall(hr *v2.HelmRelease, req HelmRenderRequest) (*action.Install, error) {
	install := action.NewInstall(action.NewConfiguration())
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName = shortenReleaseName(hr.GetReleaseName())
	install.Namespace = hr.GetReleaseNamespace()
	install.DisableHooks = hr.GetInstall().DisableHooks
	install.DisableOpenAPIValidation = true
	install.SkipSchemaValidation = hr.GetInstall().DisableSchemaValidation
	install.Replace = true
	install.Devel = true
	// CRDs of crds/ are applied by helm-controller before the release (per its CRD policy);
	// collectResources returns them marked as such.
	install.SkipCRDs = true
	install.PostRenderer = buildPostRenderers(hr)
	install.PostRenderStrategy = action.PostRenderStrategyCombined
	if s := hr.Spec.PostRenderStrategy; s != "" {
		install.PostRenderStrategy = action.PostRenderStrategy(s)
	}
	if req.KubeVersion != "" {
		kv, err := common.ParseKubeVersion(req.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("kube version %q: %w", req.KubeVersion, err)
		}
		install.KubeVersion = kv
	}
	install.APIVersions = append(common.VersionSet{}, req.APIVersions...)
	return install, nil
}

// shortenReleaseName is helm-controller's internal/release.ShortenName: Helm refuses names over
// 53 characters, so a longer one keeps its first 40 and a 12-character hash of the whole.
func shortenReleaseName(name string) string {
	const maxLength, hashLength = 53, 12
	if len(name) <= maxLength {
		return name
	}
	return name[:maxLength-(hashLength+1)] + "-" + sha256Hex([]byte(name))[:hashLength]
}

func runInstall(install *action.Install, chrt *chart.Chart, values common.Values) (rel *release.Release, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r}
		}
	}()
	out, err := install.RunWithContext(context.Background(), chrt, values.AsMap())
	if err != nil {
		return nil, err
	}
	typed, ok := out.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("only Helm chart API v2 releases are supported")
	}
	return typed, nil
}

// classifyRenderError tells values that break the chart's values.schema.json (Helm refuses
// them before rendering) from template errors.
func classifyRenderError(err error) string {
	var pe *panicError
	switch {
	case asPanic(err, &pe):
		return "panic"
	case strings.Contains(err.Error(), "values don't meet the specifications of the schema"):
		return "values-schema"
	case strings.Contains(err.Error(), "found in Chart.yaml, but missing in charts/ directory"):
		return "chart-dependencies"
	}
	return "render"
}

// composeValues is helm-controller's values composition: valuesFrom in order (valuesKey,
// targetPath, optional), then spec.values on top — fluxcd/pkg/chartutil's own function, over
// the objects the host found in the repository instead of a cluster.
func composeValues(hr *v2.HelmRelease, objects []map[string]any) (common.Values, error) {
	client, err := newObjectsClient(objects)
	if err != nil {
		return nil, err
	}
	return fluxchartutil.ChartValuesFromReferences(context.Background(), discardLogger(), client, hr.GetNamespace(), hr.GetValues(), hr.Spec.ValuesFrom...)
}

// collectResources splits the release into objects: manifests, hooks (test hooks left out, as
// they only run on `helm test`), and the crds/ files when the CRD policy installs them.
func collectResources(rel *release.Release, chrt *chart.Chart, hr *v2.HelmRelease) ([]RenderedResource, error) {
	var out []RenderedResource
	for _, crd := range crdsToApply(chrt, hr) {
		docs, err := splitObjects(crd.File.Data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", crd.Filename, err)
		}
		for _, d := range docs {
			out = append(out, RenderedResource{Object: d, Source: crd.Filename, CRD: true})
		}
	}
	// Helm writes each template as "---\n# Source: <template>\n..."; post-renderers run in
	// between, and Helm keeps each object's template across them.
	for _, doc := range splitYAMLDocuments(rel.Manifest) {
		objs, err := splitObjects([]byte(doc))
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			out = append(out, RenderedResource{Object: o, Source: sourceComment(doc)})
		}
	}
	for _, h := range rel.Hooks {
		if isTestHook(h) {
			continue
		}
		docs, err := splitObjects([]byte(h.Manifest))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.Path, err)
		}
		events := make([]string, 0, len(h.Events))
		for _, e := range h.Events {
			events = append(events, string(e))
		}
		sort.Strings(events)
		for _, d := range docs {
			out = append(out, RenderedResource{Object: d, Source: h.Path, Hook: events})
		}
	}
	return out, nil
}

// crdsToApply follows helm-controller's install CRD policy: Skip installs none, Create and
// CreateReplace (the default is Create) install every crds/ file of the chart and its subcharts.
func crdsToApply(chrt *chart.Chart, hr *v2.HelmRelease) []chart.CRD {
	switch hr.GetInstall().CRDs {
	case v2.Skip:
		return nil
	}
	return chrt.CRDObjects()
}

func isTestHook(h *release.Hook) bool {
	for _, e := range h.Events {
		if e == release.HookTest {
			return true
		}
	}
	return false
}

// splitObjects turns a YAML stream into JSON objects, dropping empty documents as Helm's
// kube client does.
func splitObjects(stream []byte) ([]json.RawMessage, error) {
	var out []json.RawMessage
	for _, doc := range splitYAMLDocuments(string(stream)) {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			return nil, err
		}
		if len(obj) == 0 {
			continue
		}
		b, err := json.Marshal(obj)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// splitYAMLDocuments splits at lines that are exactly "---" (with optional trailing text after a space), as YAML does.
func splitYAMLDocuments(s string) []string {
	var docs []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		if trimmed == "---" || strings.HasPrefix(trimmed, "--- ") {
			docs = append(docs, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(line)
	}
	return append(docs, cur.String())
}

func sourceComment(doc string) string {
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "# Source: ") {
			return strings.TrimPrefix(line, "# Source: ")
		}
	}
	return ""
}
