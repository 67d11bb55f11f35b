// Package pgstore keeps a team project in PostgreSQL (issue 11): the
// ordered record of changes, the unique keys the database enforces, and
// the source texts. Everything else a process keeps (the graph, the index,
// the read models) is derived from the record, as on a local project.
//
// One database holds one project. Create makes the tables in an empty
// database; Open opens them, from any number of processes at once; Drop
// removes them.
//
// # The record
//
// The record has the semantics of internal/record: entries numbered 1, 2,
// 3, ... without a gap, each durable before Write (or Append) returns, read
// in order by Scan without a lock. A record.Position on PostgreSQL is the
// sequence number of the last entry applied; its Offset is the same number
// (there are no bytes to count), so Position{Seq: n, Offset: n}. Start is
// Position{}; Scan reads only from.Seq.
//
// Sequence numbers come from a one-row counter, qg_head. A write, in one
// transaction, adds its number of entries to the counter (UPDATE ...
// RETURNING, which takes the row's lock until the transaction ends),
// inserts its entries with the numbers that follow the counter's old value,
// inserts its unique keys and sources, and commits. So, with any number of
// writers in any number of processes:
//
//   - No two writes get the same numbers: the second writer's UPDATE waits
//     for the first's transaction to end and then adds to the value the
//     first committed.
//   - No gap: a write that fails rolls back its counter update with its
//     entries, and the next writer counts from the value before it. (A
//     PostgreSQL sequence would not do: nextval is not rolled back.)
//   - No reordering for a reader: a write commits before the next one gets
//     its numbers, so whenever entry n+1 is visible, entry n is too; a
//     reader scanning up to the last visible entry reads a prefix of the
//     record.
//
// Writes are serialised by the counter's row lock, as the project's file
// lock serialises them on a local project; a bulk write passes many
// entries in one call, one transaction and one commit.
//
// A writer validates a change against the project as of some position
// before it writes it. WriteAfter writes only if the head is still that
// position, checked under the counter's lock; otherwise it returns a
// *MovedError and the writer reads the new entries, validates again and
// retries. This is how servers on one database keep the rules that unique
// keys cannot express (a coding of a code another server has just
// deleted, say).
//
// Durability is PostgreSQL's commit: Write makes sure synchronous_commit is
// not off for its transaction. An error from the commit itself (the
// connection lost while committing) leaves the write's outcome unknown, as
// with any database: the caller looks at Head or Claimed before trying
// again.
//
// Writers that validate changes against the record take the project's
// writer lock around their validation and write (LockWriters, an advisory
// lock held by a connection's session, which PostgreSQL releases if the
// process dies), so that their WriteAfter finds the head where they left
// it; WriteAfter holds any writer that does not to the same order.
//
// # Unique keys
//
// An Entry may claim unique keys (Key: a kind such as "entity", "code" or
// "doc-sha256", and a key) and free keys claimed before. The keys are
// written in the entry's transaction, into a table whose primary key is
// (kind, key): a key already claimed, by this process or by another
// server, makes the whole write fail with a *DuplicateError (wrapping
// coding.ErrDuplicate) and writes nothing. The check is the database's,
// not a read before the write.
//
// # Sources
//
// An Entry may carry sources: a document's text and its segments (JSON),
// written in the entry's transaction with the text's SHA-256. Sources are
// write-once: a second source with the same document id is a
// *DuplicateError of kind "source". Source reads one back and checks its
// hash.
//
// # Settings
//
// Meta and SetMeta keep settings of the project beside the record (its
// name and ontology, say), which are not changes of the record.
//
// # Listening
//
// Every write notifies the channel "qualgraph_record" with its last
// sequence number, delivered by PostgreSQL when (and only if) it commits.
// Listen turns the notifications into a channel of record heads, so that a
// server sees another server's write as soon as it commits, and reconnects
// when the connection drops.
//
// Example:
//
//	if err := pgstore.Create(ctx, dsn); err != nil { ... }
//	s, err := pgstore.Open(ctx, dsn)
//	...
//	head, err := s.Write(ctx, pgstore.Entry{
//		Payload: event,
//		Claim:   []pgstore.Key{{Kind: "entity", Key: "minister"}},
//	})
//	_, err = s.Scan(ctx, pgstore.Start, func(end record.Position, payload []byte) error { ... })
package pgstore
