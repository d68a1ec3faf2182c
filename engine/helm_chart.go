package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v4/pkg/chart/loader/archive"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/ignore"
)

// ChartInput is a chart as the host hands it over: the bytes of a packaged chart (.tgz, as a
// Helm repository or an OCI registry serves it), or a chart folder inside the repository root
// (a GitRepository chart), read through the same confined file system as every build.
type ChartInput struct {
	Archive []byte `json:"archive,omitempty"`
	Root    string `json:"root,omitempty"`
	Mount   string `json:"mount,omitempty"`
	Dir     string `json:"dir,omitempty"`
	// Dependencies of a chart folder that its charts/ folder lacks, fetched by the host from the
	// repositories Chart.lock names: what source-controller's `helm dependency build` adds.
	Dependencies [][]byte `json:"dependencies,omitempty"`
}

// Limits on a chart folder, so a link loop or a huge tree fails instead of hanging.
const (
	maxChartDepth = 24
	maxChartFiles = 20000
)

func loadChart(in ChartInput) (*chart.Chart, error) {
	if len(in.Archive) > 0 {
		return loader.LoadArchive(bytes.NewReader(in.Archive))
	}
	if in.Dir == "" {
		return nil, errors.New("no chart given")
	}
	host, err := confinedHost(in.Root, in.Mount)
	if err != nil {
		return nil, err
	}
	dir := filepath.Clean(in.Dir)
	chrt, err := loadChartFolder(host, dir)
	if err != nil {
		return nil, err
	}
	for _, archive := range in.Dependencies {
		dep, err := loader.LoadArchive(bytes.NewReader(archive))
		if err != nil {
			return nil, fmt.Errorf("a dependency of %s: %w", dir, err)
		}
		chrt.AddDependency(dep)
	}
	if err := addLocalDependencies(host, dir, chrt); err != nil {
		return nil, err
	}
	return chrt, nil
}

func loadChartFolder(host *hostFS, dir string) (*chart.Chart, error) {
	files, err := chartFolderFiles(host, dir)
	if err != nil {
		return nil, err
	}
	return loader.LoadFiles(files)
}

// addLocalDependencies loads `file://` dependencies that charts/ lacks from their folders, as
// source-controller's dependency manager does; the folder must be inside the root.
func addLocalDependencies(host *hostFS, dir string, chrt *chart.Chart) error {
	have := map[string]bool{}
	for _, d := range chrt.Dependencies() {
		have[d.Name()] = true
	}
	for _, dep := range chrt.Metadata.Dependencies {
		if have[dep.Name] || !strings.HasPrefix(dep.Repository, "file://") {
			continue
		}
		local := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(dep.Repository, "file://")))
		sub, err := loadChartFolder(host, local)
		if err != nil {
			return fmt.Errorf("dependency %s (%s) of %s: %w", dep.Name, dep.Repository, dir, err)
		}
		chrt.AddDependency(sub)
		have[dep.Name] = true
	}
	return nil
}

// chartFolderFiles is what Helm's LoadDir reads: every file below dir, links followed (inside
// the root only), minus what the top-level .helmignore and Helm's built-in rules exclude.
func chartFolderFiles(host *hostFS, dir string) ([]*archive.BufferedFile, error) {
	rules := ignore.Empty()
	if b, err := host.ReadFile(filepath.Join(dir, ignore.HelmIgnore)); err == nil {
		if rules, err = ignore.Parse(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ignore.HelmIgnore), err)
		}
	}
	rules.AddDefaults()
	var files []*archive.BufferedFile
	var walk func(rel string, depth int) error
	walk = func(rel string, depth int) error {
		if depth > maxChartDepth {
			return fmt.Errorf("%s: chart folders nest deeper than %d levels (a link loop?)", filepath.Join(dir, rel), maxChartDepth)
		}
		names, err := host.ReadDir(filepath.Join(dir, rel))
		if err != nil {
			return err
		}
		sort.Strings(names)
		for _, name := range names {
			child := path.Join(rel, name)
			full := filepath.Join(dir, filepath.FromSlash(child))
			isDir := host.IsDir(full)
			if rules.Ignore(child, fileInfo{name: name, dir: isDir}) {
				continue
			}
			if isDir {
				if err := walk(child, depth+1); err != nil {
					return err
				}
				continue
			}
			if len(files) >= maxChartFiles {
				return fmt.Errorf("%s: more than %d files in the chart", dir, maxChartFiles)
			}
			data, err := host.ReadFile(full)
			if err != nil {
				return err
			}
			files = append(files, &archive.BufferedFile{Name: child, ModTime: time.Time{}, Data: data})
		}
		return nil
	}
	if err := walk("", 0); err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no chart files", dir)
	}
	return files, nil
}

// fileInfo is what ignore.Rules looks at: the base name and whether it is a folder.
type fileInfo struct {
	name string
	dir  bool
}

func (f fileInfo) Name() string { return f.name }
func (f fileInfo) Size() int64  { return 0 }
func (f fileInfo) Mode() fs.FileMode {
	if f.dir {
		return fs.ModeDir
	}
	return 0
}
func (f fileInfo) ModTime() time.Time { return time.Time{} }
func (f fileInfo) IsDir() bool        { return f.dir }
func (f fileInfo) Sys() any           { return nil }
