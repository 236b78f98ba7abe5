package service

import (
	"strconv"

	"github.com/wushe/wushe/models"
)

var (
	errForbidden = models.E(models.KindForbidden, "无权操作该对象", "you may not act on this object")
	errNotFound  = models.E(models.KindNotFound, "对象不存在", "no such object")
)

func itoa(i int) string { return strconv.Itoa(i) }
