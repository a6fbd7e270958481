// Command tfgen writes a synthetic Terraform state for benchmarks:
//
//	go run ./discover/terraform/tfgen/cmd/tfgen -n 100000 -o /tmp/state-100k.tfstate
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
)

func main() {
	n := flag.Int("n", 1000, "number of managed resource instances")
	seed := flag.Int64("seed", 1, "random seed")
	out := flag.String("o", "", "output file (default stdout)")
	flag.Parse()
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tfgen:", err)
			os.Exit(2)
		}
		defer f.Close()
		w = f
	}
	if err := tfgen.Write(w, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "tfgen:", err)
		os.Exit(1)
	}
}
