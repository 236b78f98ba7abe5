package service

// ServiceRecordStore is being written.
type ServiceRecordStore interface{}
