package filter

import (
	"fmt"
	"slices"

	"github.com/logpipe/logpipe"
)

// failureTags resolves a TagOnFailure option: nil means the filter's
// default tag, an empty non-nil slice means no tag.
func failureTags(tags []string, def string) []string {
	if tags == nil {
		return []string{def}
	}
	return slices.Clone(tags)
}

// parsePath parses a required or optional field reference for option name.
func parsePath(pkg, name, ref string, required bool) (logpipe.Path, error) {
	if ref == "" {
		if required {
			return logpipe.Path{}, fmt.Errorf("filter: %s: %s is required", pkg, name)
		}
		return logpipe.Path{}, nil
	}
	p, err := logpipe.ParsePath(ref)
	if err != nil {
		return logpipe.Path{}, fmt.Errorf("filter: %s: %s: %w", pkg, name, err)
	}
	return p, nil
}
