package mongo

// ServiceRecords is being written.
type ServiceRecords struct{ db *DB }

// ServiceRecords returns the store.
func (d *DB) ServiceRecords() *ServiceRecords { return &ServiceRecords{db: d} }
