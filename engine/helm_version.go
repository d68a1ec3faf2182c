package main

import (
	chart "helm.sh/helm/v4/pkg/chart/v2"
	repo "helm.sh/helm/v4/pkg/repo/v1"
)

// SelectVersionRequest picks a chart version the way Helm reads a repository index
// (IndexFile.Get: an exact match first, else the newest version meeting the Masterminds/semver
// constraint; "" means "*"), which is also how Flux resolves chart.spec.version and OCI semver.
type SelectVersionRequest struct {
	Versions   []string `json:"versions"`
	Constraint string   `json:"constraint"`
}

type SelectVersionResult struct {
	OK      bool     `json:"ok"`
	Version string   `json:"version,omitempty"`
	Error   *failure `json:"error,omitempty"`
}

func selectVersion(req SelectVersionRequest) SelectVersionResult {
	const name = "chart"
	index := repo.NewIndexFile()
	for _, v := range req.Versions {
		index.Entries[name] = append(index.Entries[name], &repo.ChartVersion{Metadata: &chart.Metadata{Name: name, Version: v}})
	}
	index.SortEntries()
	found, err := index.Get(name, req.Constraint)
	if err != nil {
		return SelectVersionResult{Error: &failure{Kind: "version", Message: err.Error()}}
	}
	return SelectVersionResult{OK: true, Version: found.Version}
}
