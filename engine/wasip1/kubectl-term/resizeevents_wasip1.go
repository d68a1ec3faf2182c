// Package term: k8s.io/kubectl/pkg/util/term's resize watcher for GOOS=wasip1, which has no
// signals and no terminals. Overlaid by scripts/build-engine.mjs in place of the unix file;
// the engine never opens a terminal, so there are no resize events to watch.
package term

func monitorResizeEvents(uintptr, chan<- TerminalSize, chan struct{}) {}
