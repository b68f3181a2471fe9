package dispatch

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadBody(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   string
		length int64 // -1: unknown, as a chunked request
		ok     bool
		status int
	}{
		{"within the bound", "hello", 5, true, 200},
		{"declared too long", "hello", 11, false, 413},
		{"too long, length unknown", strings.Repeat("x", 11), -1, false, 413},
		{"exactly the bound", strings.Repeat("x", 10), -1, true, 200},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
		r.ContentLength = tc.length
		w := httptest.NewRecorder()
		body, ok := ReadBody(w, r, 10)
		if ok != tc.ok || w.Code != tc.status || ok && string(body) != tc.body {
			t.Errorf("%s: ReadBody = %q, %t, status %d; want ok %t, status %d", tc.name, body, ok, w.Code, tc.ok, tc.status)
		}
	}
}
