// Command decodeany is the baseline of the command benchmarks (scripts/bench-commands.sh):
// it reads a file and decodes it with encoding/json into `any`, the least any JSON tool
// does, and prints the time taken.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: decodeany FILE")
		os.Exit(2)
	}
	start := time.Now()
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(time.Since(start))
}
