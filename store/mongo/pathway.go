package mongo

// Pathway is being written.
type Pathway struct{ db *DB }

// Pathway returns the store.
func (d *DB) Pathway() *Pathway { return &Pathway{db: d} }
