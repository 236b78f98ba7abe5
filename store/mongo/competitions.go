package mongo

// TEMPORARY: the competitions work replaces this file.

// Competitions stores competitions.
type Competitions struct{ db *DB }

// Competitions returns the competition store.
func (d *DB) Competitions() *Competitions { return &Competitions{db: d} }
