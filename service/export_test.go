package service

// SetExactCountUnits sets exactCountUnits for the tests of package
// service_test and returns the restore.
func SetExactCountUnits(n int) (restore func()) {
	old := exactCountUnits
	exactCountUnits = n
	return func() { exactCountUnits = old }
}
