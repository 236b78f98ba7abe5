package core

// Edit is a partial update (PATCH) of an object: the domain calls it with the
// object's current state in the form a replacing write (PUT) takes, holding
// the object's lock, and saves what it returns through the same rules as a
// replacing write. An error from Edit changes nothing.
type Edit[T any] func(current T) (T, error)

// Replace is the Edit of a replacing write: whatever the object held, in.
func Replace[T any](in T) Edit[T] {
	return func(T) (T, error) { return in, nil }
}
