package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// hostFS shows the repository at its real path on the host, so that kustomize's messages and
// origins name the paths the user knows, while every access goes to the WASI mount where the
// root is preopened (nothing else can be opened at all). It resolves symlinks itself, in host
// terms, and refuses any path outside the root — lexically or through a link, relative or
// absolute — with one message that names the path, the root, and how to widen it.
type hostFS struct {
	host, mount string
	disk        filesys.FileSystem
	resolved    map[string]resolution
}

type resolution struct {
	host string
	err  error
}

// outsideRoot is the refusal of a path outside the root.
type outsideRoot struct {
	path, via, root string
}

func (e *outsideRoot) Error() string {
	if e.via != "" {
		return fmt.Sprintf("'%s' leads outside the root '%s' (symlink %s); the engine reads only inside the root", e.path, e.root, e.via)
	}
	return fmt.Sprintf("'%s' is outside the root '%s'; the engine reads only inside the root", e.path, e.root)
}

func newHostFS(host, mount string) *hostFS {
	return &hostFS{host: filepath.Clean(host), mount: filepath.Clean(mount), disk: filesys.MakeFsOnDisk(), resolved: map[string]resolution{}}
}

func within(root, p string) bool {
	return p == root || strings.HasPrefix(p, root+"/")
}

func (h *hostFS) toMount(p string) string { return h.mount + strings.TrimPrefix(p, h.host) }
func (h *hostFS) toHost(p string) string {
	if within(h.mount, p) {
		return h.host + strings.TrimPrefix(p, h.mount)
	}
	return p
}

func (h *hostFS) abs(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(h.host, p)
	}
	return filepath.Clean(p)
}

// resolve follows every symlink in p (host terms) and returns the resolved host path; a path
// that does not exist resolves to itself (the caller reports it missing).
func (h *hostFS) resolve(p string) (string, error) {
	p = h.abs(p)
	if r, ok := h.resolved[p]; ok {
		return r.host, r.err
	}
	out, err := h.resolveUncached(p)
	h.resolved[p] = resolution{out, err}
	return out, err
}

func (h *hostFS) resolveUncached(p string) (string, error) {
	if !within(h.host, p) {
		return "", &outsideRoot{path: p, root: h.host}
	}
	rest := strings.Split(strings.TrimPrefix(strings.TrimPrefix(p, h.host), "/"), "/")
	cur := h.host
	for hops := 0; len(rest) > 0; {
		comp := rest[0]
		rest = rest[1:]
		if comp == "" {
			continue
		}
		next := filepath.Join(cur, comp)
		info, err := os.Lstat(h.toMount(next))
		if err != nil {
			return filepath.Join(append([]string{next}, rest...)...), nil
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > 40 {
			return "", fmt.Errorf("'%s': too many levels of symbolic links", p)
		}
		target, err := os.Readlink(h.toMount(next))
		if err != nil {
			return "", h.hostError(err)
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(cur, target)
		}
		target = filepath.Clean(target)
		if !within(h.host, target) {
			return "", &outsideRoot{path: p, via: fmt.Sprintf("%s -> %s", next, target), root: h.host}
		}
		// start again from the root with the link replaced by its target
		rest = append(strings.Split(strings.TrimPrefix(strings.TrimPrefix(target, h.host), "/"), "/"), rest...)
		cur = h.host
	}
	return cur, nil
}

// hostError names host paths in an error from the mount.
func (h *hostFS) hostError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: h.toHost(pe.Path), Err: pe.Err}
	}
	return err
}

func (h *hostFS) onMount(p string) (string, error) {
	r, err := h.resolve(p)
	if err != nil {
		return "", err
	}
	return h.toMount(r), nil
}

func (h *hostFS) Create(p string) (filesys.File, error) {
	return nil, fmt.Errorf("'%s': the engine does not write to the repository", p)
}
func (h *hostFS) Mkdir(p string) error {
	return fmt.Errorf("'%s': the engine does not write to the repository", p)
}
func (h *hostFS) MkdirAll(p string) error  { return h.Mkdir(p) }
func (h *hostFS) RemoveAll(p string) error { return h.Mkdir(p) }
func (h *hostFS) WriteFile(p string, _ []byte) error {
	return fmt.Errorf("'%s': the engine does not write to the repository", p)
}

func (h *hostFS) Open(p string) (filesys.File, error) {
	m, err := h.onMount(p)
	if err != nil {
		return nil, err
	}
	f, err := h.disk.Open(m)
	return f, h.hostError(err)
}

func (h *hostFS) ReadFile(p string) ([]byte, error) {
	m, err := h.onMount(p)
	if err != nil {
		return nil, err
	}
	b, err := h.disk.ReadFile(m)
	return b, h.hostError(err)
}

// Exists is true for a path outside the root: whether it exists is not ours to look at, and
// saying "no" would turn the refusal into a misleading "missing file"; the read then refuses.
func (h *hostFS) Exists(p string) bool {
	m, err := h.onMount(p)
	if err != nil {
		var out *outsideRoot
		return errors.As(err, &out)
	}
	return h.disk.Exists(m)
}

func (h *hostFS) IsDir(p string) bool {
	m, err := h.onMount(p)
	return err == nil && h.disk.IsDir(m)
}

func (h *hostFS) ReadDir(p string) ([]string, error) {
	m, err := h.onMount(p)
	if err != nil {
		return nil, err
	}
	names, err := h.disk.ReadDir(m)
	return names, h.hostError(err)
}

func (h *hostFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	r, err := h.resolve(p)
	if err != nil {
		return "", "", fmt.Errorf("evalsymlink failure on '%s' : %w", p, err)
	}
	if _, err := os.Lstat(h.toMount(r)); err != nil {
		return "", "", fmt.Errorf("evalsymlink failure on '%s' : %w", p, h.hostError(err))
	}
	if h.disk.IsDir(h.toMount(r)) {
		return filesys.ConfirmedDir(r), "", nil
	}
	return filesys.ConfirmedDir(filepath.Dir(r)), filepath.Base(r), nil
}

func (h *hostFS) Glob(pattern string) ([]string, error) {
	dir := h.abs(filepath.Dir(pattern))
	m, err := h.onMount(dir)
	if err != nil {
		return nil, err
	}
	found, err := h.disk.Glob(filepath.Join(m, filepath.Base(pattern)))
	if err != nil {
		return nil, h.hostError(err)
	}
	out := make([]string, 0, len(found))
	for _, f := range found {
		out = append(out, filepath.Join(dir, filepath.Base(f)))
	}
	sort.Strings(out)
	return out, nil
}

// Walk walks the resolved folder and reports host paths below p; links met on the way are
// not followed (as filepath.Walk).
func (h *hostFS) Walk(p string, fn filepath.WalkFunc) error {
	base := h.abs(p)
	m, err := h.onMount(base)
	if err != nil {
		return fn(base, nil, err)
	}
	return h.disk.Walk(m, func(mp string, info fs.FileInfo, err error) error {
		return fn(filepath.Join(base, strings.TrimPrefix(mp, m)), info, h.hostError(err))
	})
}
