package mongo

// Supervision is being written.
type Supervision struct{ db *DB }

// Supervision returns the store.
func (d *DB) Supervision() *Supervision { return &Supervision{db: d} }
