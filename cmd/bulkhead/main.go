// Command bulkhead finds where one delete, from one place, with one credential, destroys
// data and every copy of it. This package is cobra wiring only: flags, config loading,
// sources, exit codes. Analysis lives in analyze, formats in render.
package main

import "os"

func main() {
	os.Exit(int(Main(os.Args[1:], System())))
}
