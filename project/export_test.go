package project

// SetTestHookAfterAppend sets testHookAfterAppend for the tests of package
// project_test, which import packages that import this one.
func SetTestHookAfterAppend(f func() error) { testHookAfterAppend = f }

// SetTestHookAfterProjection sets testHookAfterProjection for the tests of
// package project_test.
func SetTestHookAfterProjection(f func() error) { testHookAfterProjection = f }
