// Package term: github.com/moby/term for GOOS=wasip1, which has no terminals (no termios,
// no ioctl). Helm's action package reaches moby/term through kubectl's printers, which the
// engine never calls; the build overlays this file in place of the unix ones (see
// scripts/build-engine.mjs) so the package compiles. Every call says there is no terminal.
package term

import (
	"errors"
	"io"
	"os"
)

var errNoTerminal = errors.New("moby/term: no terminal under wasip1")

type terminalState struct{}

func stdStreams() (io.ReadCloser, io.Writer, io.Writer) { return os.Stdin, os.Stdout, os.Stderr }

func getFdInfo(in interface{}) (uintptr, bool) {
	if f, ok := in.(*os.File); ok {
		return f.Fd(), false
	}
	return 0, false
}

func getWinsize(uintptr) (*Winsize, error)         { return nil, errNoTerminal }
func setWinsize(uintptr, *Winsize) error           { return errNoTerminal }
func isTerminal(uintptr) bool                      { return false }
func restoreTerminal(uintptr, *State) error        { return errNoTerminal }
func saveState(uintptr) (*State, error)            { return nil, errNoTerminal }
func disableEcho(uintptr, *State) error            { return errNoTerminal }
func setRawTerminal(uintptr) (*State, error)       { return nil, errNoTerminal }
func setRawTerminalOutput(uintptr) (*State, error) { return nil, errNoTerminal }
func makeRaw(uintptr) (*State, error)              { return nil, errNoTerminal }
