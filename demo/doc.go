// Package demo builds the demo project: a small, fictional study of the
// Jinlan ceramics and smart-lighting cluster (three interviews, a focus
// group and a town plan, in English and Chinese), imported and coded.
//
// Build makes the project in a folder through the library calls a
// researcher's commands make (package service: AddCode, Code,
// PromoteCode, AddEntity, Mention, Assert, AddMemo), never by writing
// files: two coders, ann and bo, code the documents, partly agreeing
// (the same spans with the same codes, other codes for a span, spans the
// other left out), so that agreement has something to say; they make
// emergent codes and promote one; they name the cluster's actors with
// their mentions, and record ontology-checked assertions with evidence
// across the cluster phases, takesPosition statements among them with
// opposite polarities, so that network finds congruence and conflict;
// and they write memos on documents, a code, a coding, an entity and an
// assertion.
//
// The coding is data (data/coding.yaml): every span is named by a quote
// that occurs once in its document and is found with service.FindQuote,
// so that no offset can code the wrong words; a quote that is not found,
// or found twice, stops the build with an error naming it.
//
// Build is idempotent and resumable: on a folder that holds the demo
// project it adds only what is missing (a build cut short is completed)
// and reports Reused when nothing was; it refuses a folder that is not
// empty and holds no demo project (ErrNotDemo).
//
// For example:
//
//	res, err := demo.Build(ctx, "jinlan", demo.Options{})
//	if err != nil {
//		return err
//	}
//	fmt.Println(res.Codings, "codings by", res.Coders)
package demo
