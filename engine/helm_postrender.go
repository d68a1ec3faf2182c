package main

import (
	"bytes"
	"encoding/json"

	v2 "github.com/fluxcd/helm-controller/api/v2"
	"github.com/fluxcd/pkg/apis/kustomize"
	helmpostrender "helm.sh/helm/v4/pkg/postrenderer"
	"sigs.k8s.io/kustomize/api/builtins"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resmap"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// The post-renderers helm-controller chains onto every release (its internal/postrender
// package, which cannot be imported): spec.postRenderers' kustomize patches and images, then
// spec.commonMetadata, then the origin labels helm.toolkit.fluxcd.io/name and /namespace.
func buildPostRenderers(hr *v2.HelmRelease) helmpostrender.PostRenderer {
	var chain combinedRenderer
	for _, r := range hr.Spec.PostRenderers {
		if r.Kustomize != nil {
			chain = append(chain, kustomizeRenderer{patches: r.Kustomize.Patches, images: r.Kustomize.Images})
		}
	}
	if cm := hr.Spec.CommonMetadata; cm != nil {
		if cm.Labels != nil {
			chain = append(chain, transformRenderer{labelTransformer(cm.Labels)})
		}
		if cm.Annotations != nil {
			chain = append(chain, transformRenderer{&builtins.AnnotationsTransformerPlugin{
				Annotations: cm.Annotations,
				FieldSpecs:  []kustypes.FieldSpec{{Path: "metadata/annotations", CreateIfNotPresent: true}},
			}})
		}
	}
	chain = append(chain, transformRenderer{labelTransformer(map[string]string{
		v2.GroupVersion.Group + "/name":      hr.Name,
		v2.GroupVersion.Group + "/namespace": hr.Namespace,
	})})
	return chain
}

type combinedRenderer []helmpostrender.PostRenderer

func (c combinedRenderer) Run(in *bytes.Buffer) (*bytes.Buffer, error) {
	var err error
	for _, r := range c {
		if in, err = r.Run(in); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// kustomizeRenderer builds an in-memory kustomization over Helm's output with the release's
// patches and images, as helm-controller's Kustomize post-renderer does.
type kustomizeRenderer struct {
	patches []kustomize.Patch
	images  []kustomize.Image
}

func (k kustomizeRenderer) Run(in *bytes.Buffer) (*bytes.Buffer, error) {
	fs := filesys.MakeFsInMemory()
	cfg := kustypes.Kustomization{}
	cfg.APIVersion = kustypes.KustomizationVersion
	cfg.Kind = kustypes.KustomizationKind
	const input = "helm-output.yaml"
	cfg.Resources = []string{input}
	for _, i := range k.images {
		cfg.Images = append(cfg.Images, kustypes.Image{Name: i.Name, NewName: i.NewName, NewTag: i.NewTag, Digest: i.Digest})
	}
	for _, p := range k.patches {
		patch := kustypes.Patch{Patch: p.Patch}
		if t := p.Target; t != nil {
			patch.Target = &kustypes.Selector{LabelSelector: t.LabelSelector, AnnotationSelector: t.AnnotationSelector}
			patch.Target.Gvk.Group, patch.Target.Gvk.Version, patch.Target.Gvk.Kind = t.Group, t.Version, t.Kind
			patch.Target.Name, patch.Target.Namespace = t.Name, t.Namespace
		}
		cfg.Patches = append(cfg.Patches, patch)
	}
	kustomization, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	if err := fs.WriteFile(input, in.Bytes()); err != nil {
		return nil, err
	}
	if err := fs.WriteFile("kustomization.yaml", kustomization); err != nil {
		return nil, err
	}
	m, err := runKustomize(fs, ".", &krusty.Options{LoadRestrictions: kustypes.LoadRestrictionsNone, PluginConfig: kustypes.DisabledPluginConfig()})
	if err != nil {
		return nil, err
	}
	out, err := m.AsYaml()
	return bytes.NewBuffer(out), err
}

// transformRenderer runs kustomize transformers over the stream (labels, annotations).
type transformRenderer []resmap.Transformer

func (t transformRenderer) Run(in *bytes.Buffer) (*bytes.Buffer, error) {
	factory := resmap.NewFactory(provider.NewDefaultDepProvider().GetResourceFactory())
	m, err := factory.NewResMapFromBytes(in.Bytes())
	if err != nil {
		return nil, err
	}
	for _, tr := range t {
		if err := tr.Transform(m); err != nil {
			return nil, err
		}
	}
	out, err := m.AsYaml()
	return bytes.NewBuffer(out), err
}

func labelTransformer(labels map[string]string) resmap.Transformer {
	return &builtins.LabelTransformerPlugin{
		Labels:     labels,
		FieldSpecs: []kustypes.FieldSpec{{Path: "metadata/labels", CreateIfNotPresent: true}},
	}
}
