// Package redact keeps secrets out of the errors of the adapters' HTTP
// clients.
package redact

import (
	"fmt"
	"net/url"
)

// URLError drops the request URL from a client error: a GET carries
// secrets in its query (WeChat's appsecret, an access token).
func URLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
