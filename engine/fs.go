package main

import (
	"path/filepath"
	"sort"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// recordingFS notes every path a build looks at, so that `slipway diff` knows which builds a
// changed file can affect. Everything else is the wrapped file system's.
type recordingFS struct {
	filesys.FileSystem
	root string
	mu   sync.Mutex
	seen map[string]struct{}
}

func newRecordingFS(fs filesys.FileSystem, root string) *recordingFS {
	return &recordingFS{FileSystem: fs, root: filepath.Clean(root), seen: map[string]struct{}{}}
}

func (r *recordingFS) note(p string) {
	r.mu.Lock()
	r.seen[p] = struct{}{}
	r.mu.Unlock()
}

func (r *recordingFS) Open(p string) (filesys.File, error) { r.note(p); return r.FileSystem.Open(p) }
func (r *recordingFS) IsDir(p string) bool                 { r.note(p); return r.FileSystem.IsDir(p) }
func (r *recordingFS) ReadDir(p string) ([]string, error)  { r.note(p); return r.FileSystem.ReadDir(p) }
func (r *recordingFS) Exists(p string) bool                { r.note(p); return r.FileSystem.Exists(p) }
func (r *recordingFS) ReadFile(p string) ([]byte, error)   { r.note(p); return r.FileSystem.ReadFile(p) }
func (r *recordingFS) Glob(p string) ([]string, error) {
	r.note(filepath.Dir(p))
	return r.FileSystem.Glob(p)
}
func (r *recordingFS) Walk(p string, fn filepath.WalkFunc) error {
	r.note(p)
	return r.FileSystem.Walk(p, fn)
}
func (r *recordingFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	r.note(p)
	return r.FileSystem.CleanedAbs(p)
}

// inputs are the recorded paths inside the root, relative to it, sorted.
func (r *recordingFS) inputs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.seen))
	for p := range r.seen {
		if !filepath.IsAbs(p) {
			continue
		}
		rel := relativeTo(r.root, filepath.Clean(p))
		if rel == p {
			continue
		}
		out = append(out, rel)
	}
	sort.Strings(out)
	return out
}
