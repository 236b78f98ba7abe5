package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/wushe/wushe/clients/go/wushe"
)

// decode checks an answer's status and decodes its body strictly into out
// (a generated type): a field the document does not list fails, and so
// does anything after the one JSON value.
func decode(what string, res *http.Response, err error, want int, out any) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("%s: reading the answer: %w", what, err)
	}
	if res.StatusCode != want {
		return fmt.Errorf("%s: status %d, want %d: %s", what, res.StatusCode, want, short(body))
	}
	if out == nil {
		return nil
	}
	return strict(what, body, out)
}

func strict(what string, body []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%s: the answer does not decode strictly into %T: %w: %s", what, out, err, short(body))
	}
	if dec.More() {
		return fmt.Errorf("%s: more than one JSON value in the answer", what)
	}
	return nil
}

// raw checks an answer's status and returns its body.
func raw(what string, res *http.Response, err error, want int) ([]byte, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %w", what, err)
	}
	if res.StatusCode != want {
		return nil, fmt.Errorf("%s: status %d, want %d: %s", what, res.StatusCode, want, short(body))
	}
	return body, nil
}

func short(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// bearer adds an access token to a request of the generated client.
func bearer(token string) wushe.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// english asks for English messages (problems are zh-CN by default).
func english(_ context.Context, req *http.Request) error {
	req.Header.Set("Accept-Language", "en")
	return nil
}

func ptr[T any](v T) *T { return &v }
