package main

import (
	"errors"
	"strings"

	securefs "github.com/fluxcd/pkg/kustomize/filesys"
)

// buildFailure classifies an error for the host: "confinement" when the secure file system
// refused a path outside the root, "panic" for a recovered panic, else "build".
func buildFailure(err error) *failure {
	var ce *securefs.ConstraintError
	var out *outsideRoot
	var pe *panicError
	switch {
	case errors.As(err, &out), strings.Contains(err.Error(), "the engine reads only inside the root"):
		return &failure{Kind: "confinement", Message: err.Error()}
	case errors.As(err, &ce):
		return &failure{Kind: "confinement", Message: err.Error()}
	case errors.As(err, &pe):
		return &failure{Kind: "panic", Message: err.Error()}
	}
	return &failure{Kind: "build", Message: err.Error()}
}
