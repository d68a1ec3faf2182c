//go:build js

// The GOOS=js entry point, kept for the benchmark that compares it with the wasip1 reactor
// (main_wasip1.go), which is what slipway ships. Run under Go's wasm_exec.js, the program
// defines one global function, slipwayHandle(request: string): Promise<string>, answering with
// handle() (handle.go), and then stays alive for further calls.
//
// The answer is a Promise because under GOOS=js every file system call goes through the host's
// asynchronous `fs` API: a build must run on its own goroutine, so that the JavaScript event
// loop can deliver those callbacks while the build waits for them (blocking inside the
// js.FuncOf callback itself would deadlock). There is no confinement here: wasm_exec.js hands
// Go whatever `globalThis.fs` is, in Node the real one.
package main

import "syscall/js"

func main() {
	promise := js.Global().Get("Promise")
	js.Global().Set("slipwayHandle", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return promise.Call("reject", js.Global().Get("TypeError").New("slipwayHandle takes one string"))
		}
		request := []byte(args[0].String())
		var executor js.Func
		executor = js.FuncOf(func(this js.Value, fns []js.Value) any {
			executor.Release()
			resolve := fns[0]
			go func() { resolve.Invoke(string(handle(request))) }()
			return nil
		})
		return promise.New(executor)
	}))
	select {}
}
