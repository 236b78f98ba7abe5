package service

// SupervisionStore is being written.
type SupervisionStore interface{}
