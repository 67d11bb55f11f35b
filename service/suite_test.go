package service_test

import (
	"testing"

	"github.com/qualgraph/qualgraph/internal/pgtest"
	"github.com/qualgraph/qualgraph/project"
)

// The service suite (issue 11): the tests that build their project with
// newFixture check every use case for its exact answers. RunAll runs them
// on projects that newProject makes; the tests of the package run them on
// local projects, TestSuitePostgreSQL on projects kept in PostgreSQL, as
// cayley's graphtest runs one suite on every backend.

// newProject, if not nil, gives the InitOptions of the project newFixture
// makes (RunAll sets it); nil makes a local project.
var newProject func(t *testing.T, name string) project.InitOptions

// newProjectOptions returns the InitOptions of a new test project named
// name.
func newProjectOptions(t *testing.T, name string) project.InitOptions {
	if newProject == nil {
		return project.InitOptions{Name: name}
	}
	return newProject(t, name)
}

// suite lists the tests that run on the project newFixture makes.
var suite = []struct {
	name string
	test func(*testing.T)
}{
	{"AddEntityType", TestAddEntityType},
	{"AddMemo", TestAddMemo},
	{"Agreement", TestAgreement},
	{"AgreementCoverage", TestAgreementCoverage},
	{"AnalysesNameCoders", TestAnalysesNameCoders},
	{"AssertRetract", TestAssertRetract},
	{"AutoCode", TestAutoCode},
	{"AutoMention", TestAutoMention},
	{"Cancelled", TestCancelled},
	{"Centrality", TestCentrality},
	{"Code", TestCode},
	{"Codebook", TestCodebook},
	{"Codings", TestCodings},
	{"Concurrent", TestConcurrent},
	{"ConcurrentWrites", TestConcurrentWrites},
	{"Cooccur", TestCooccur},
	{"Export", TestExport},
	{"ExportCounts", TestExportCounts},
	{"FindCoding", TestFindCoding},
	{"Frequencies", TestFrequencies},
	{"Import", TestImport},
	{"ImportREFI", TestImportREFI},
	{"Links", TestLinks},
	{"Matrix", TestMatrix},
	{"Mention", TestMention},
	{"MergeEntities", TestMergeEntities},
	{"MergeRefused", TestMergeRefused},
	{"MergeRetracts", TestMergeRetracts},
	{"MessagesNameWhatIsAllowed", TestMessagesNameWhatIsAllowed},
	{"NeighborsAndPath", TestNeighborsAndPath},
	{"Network", TestNetwork},
	{"Query", TestQuery},
	{"REFIRoundTrip", TestREFIRoundTrip},
	{"Recode", TestRecode},
	{"Reindex", TestReindex},
	{"RemoveEntity", TestRemoveEntity},
	{"RenameAlias", TestRenameAlias},
	{"RepeatIsNoOp", TestRepeatIsNoOp},
	{"SearchTotal", TestSearchTotal},
	{"SetAttrs", TestSetAttrs},
	{"Uncode", TestUncode},
	{"WriteCancelled", TestWriteCancelled},
}

// RunAll runs the suite with newFixture's projects made by options.
func RunAll(t *testing.T, options func(t *testing.T, name string) project.InitOptions) {
	newProject = options
	defer func() { newProject = nil }()
	for _, tc := range suite {
		t.Run(tc.name, tc.test)
	}
}

// TestSuitePostgreSQL runs the suite on projects kept in PostgreSQL, each
// in a fresh database.
func TestSuitePostgreSQL(t *testing.T) {
	RunAll(t, func(t *testing.T, name string) project.InitOptions {
		return project.InitOptions{Name: name, DB: pgtest.DSN(t)}
	})
}
