package kg

// SetStreamBlock sets the size of the blocks in which a replay of some
// documents' codings reads codings.log, and returns a function that
// restores it.
func SetStreamBlock(n int) (restore func()) {
	old := streamBlock
	streamBlock = n
	return func() { streamBlock = old }
}
