//go:build wasip1

// The WebAssembly entry points (GOOS=wasip1, built as a reactor with -buildmode=c-shared).
// The host writes a JSON request into memory it got from slipway_alloc, calls slipway_call
// and reads the JSON response back from the pointer and length it returns; both buffers are
// released with slipway_free. One call at a time per instance: the host never re-enters.
package main

import "unsafe"

// buffers keeps every buffer handed to the host reachable, so the GC does not move or free it.
var buffers = map[uint32][]byte{}

func keep(b []byte) uint32 {
	if len(b) == 0 {
		b = make([]byte, 1)[:0:1]
	}
	p := uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b[:cap(b)]))))
	buffers[p] = b
	return p
}

//go:wasmexport slipway_alloc
func slipwayAlloc(size uint32) uint32 {
	return keep(make([]byte, size))
}

//go:wasmexport slipway_free
func slipwayFree(p uint32) {
	delete(buffers, p)
}

//go:wasmexport slipway_call
func slipwayCall(p, n uint32) uint64 {
	out := handle(buffers[p][:n])
	return uint64(keep(out))<<32 | uint64(len(out))
}

func main() {}
