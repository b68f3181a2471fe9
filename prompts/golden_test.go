package prompts

import "flag"

// update rewrites the golden files under testdata: go test ./prompts/ -update.
var update = flag.Bool("update", false, "rewrite the golden files under testdata")
