package mongo

// Funds is being written.
type Funds struct{ db *DB }

// Funds returns the fund store.
func (d *DB) Funds() *Funds { return &Funds{db: d} }
