package service

import "github.com/wushe/wushe/models"

func label(v models.Vocabulary, code string) string {
	if t, ok := v.Label(code); ok {
		return t.Zh
	}
	return code
}
