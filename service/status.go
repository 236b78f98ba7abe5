package service

import "github.com/wushe/wushe/models"

// StatusChange moves a need through its status machine.
type StatusChange struct {
	To     string
	Reason string
	Note   string
}

func label(v models.Vocabulary, code string) string {
	if t, ok := v.Label(code); ok {
		return t.Zh
	}
	return code
}
