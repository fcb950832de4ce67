package domain

// DecideGenerally is Decide without the shortcut for commands that occur
// after every live event (settleAtEnd): the tests decide every command both
// ways and require the same answer.
func DecideGenerally(history []Recorded, org *Org, m Meta, cmd Command) ([]Recorded, error) {
	return decide(history, org, m, cmd, false)
}
