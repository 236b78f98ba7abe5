package mongo

// Volunteers stores volunteers' profiles (implementation in volunteers.go).
type Volunteers struct{ db *DB }

// Volunteers returns the volunteer store.
func (d *DB) Volunteers() *Volunteers { return &Volunteers{db: d} }

// SocialWorkers stores social workers' profiles (implementation in socialworkers.go).
type SocialWorkers struct{ db *DB }

// SocialWorkers returns the social-worker store.
func (d *DB) SocialWorkers() *SocialWorkers { return &SocialWorkers{db: d} }
