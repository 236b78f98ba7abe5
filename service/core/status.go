package core

// StatusChange asks to move an object (an organisation, a complaint, a
// need) through its status machine.
type StatusChange struct {
	To     string
	Reason string // a reason code where the move needs one (exit_reasons for an exit)
	Note   string
}
