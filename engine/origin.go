package main

import (
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/api/resmap"
)

// Origin says where a built resource came from, relative to the repository root: the file it
// was read from, or the kustomization whose generator made it. The host turns it into a line.
type Origin struct {
	File string `json:"file,omitempty"`
	// Repo and Ref are set for resources of a remote base (never fetched here; kept for messages).
	Repo string `json:"repo,omitempty"`
	Ref  string `json:"ref,omitempty"`
	// ConfiguredIn is the kustomization file that configured the generator; Generator its kind.
	ConfiguredIn string `json:"configuredIn,omitempty"`
	Generator    string `json:"generator,omitempty"`
}

// takeOrigins reads every resource's config.kubernetes.io/origin annotation, then removes the
// annotations again unless the kustomization asked for them (as kustomize's own build does).
func takeOrigins(m resmap.ResMap, root, dir string, keep bool) ([]*Origin, error) {
	out := make([]*Origin, m.Size())
	for i, r := range m.Resources() {
		o, err := r.GetOrigin()
		if err != nil || o == nil {
			continue
		}
		origin := &Origin{Repo: o.Repo, Ref: o.Ref}
		if o.Path != "" && o.Repo == "" {
			origin.File = relativeTo(root, filepath.Join(dir, o.Path))
		}
		if o.ConfiguredIn != "" {
			origin.ConfiguredIn = relativeTo(root, filepath.Join(dir, o.ConfiguredIn))
			origin.Generator = o.ConfiguredBy.Kind
		}
		out[i] = origin
	}
	if !keep {
		if err := m.RemoveOriginAnnotations(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// relativeTo gives p relative to root with '/' separators, or p itself when it is outside.
func relativeTo(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return p
	}
	return filepath.ToSlash(rel)
}
