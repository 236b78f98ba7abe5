package service

// FundStore is being written.
type FundStore interface{}
