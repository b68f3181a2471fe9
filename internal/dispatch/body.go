package dispatch

import (
	"errors"
	"io"
	"net/http"
)

// ReadBody reads r's body, at most max bytes, before any signature check
// (a platform's request is verified over its exact bytes). On failure it
// answers 413 for a body over max, 400 otherwise, and reports false.
func ReadBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	if r.ContentLength > max {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return nil, false
	}
	return body, true
}
