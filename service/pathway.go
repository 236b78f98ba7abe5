package service

// PathwayStore is being written.
type PathwayStore interface{}
