package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// writerLock is the advisory lock key that LockWriters takes.
const writerLock = 0x71670002

// ErrWriterBusy is wrapped by the error of LockWriters when another
// writer held the lock for longer than it waited.
var ErrWriterBusy = errors.New("another qualgraph process is writing to the project's database")

// LockWriters takes the project's writer lock, a session-level advisory
// lock held on a connection of the pool, waiting up to wait; it returns
// the unlock. A writer that validates changes against the record takes it
// around its validation and its write, so that no other writer (on
// another server) writes in between: its WriteAfter then never meets a
// *MovedError. The lock goes with the connection: a process killed while
// it holds it holds it no more. After wait it returns an error wrapping
// ErrWriterBusy; readers never take it.
func (s *Store) LockWriters(ctx context.Context, wait time.Duration) (unlock func() error, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock the project's writers: %w", err)
	}
	deadline := time.Now().Add(wait)
	for pause := time.Millisecond; ; pause = min(2*pause, 20*time.Millisecond) {
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", int64(writerLock)).Scan(&ok); err != nil {
			conn.Release()
			return nil, fmt.Errorf("lock the project's writers: %w", err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			conn.Release()
			return nil, fmt.Errorf("lock the project's writers: %w for more than %v; try again when it ends", ErrWriterBusy, wait)
		}
		select {
		case <-ctx.Done():
			conn.Release()
			return nil, ctx.Err()
		case <-time.After(pause):
		}
	}
	return func() error {
		defer conn.Release()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT pg_advisory_unlock($1)", int64(writerLock)).Scan(&ok); err != nil {
			// The connection is broken: closing it ends the session
			// and its lock.
			conn.Conn().Close(ctx)
			return fmt.Errorf("unlock the project's writers: %w", err)
		}
		return nil
	}, nil
}

// Meta returns the value the project keeps under key (set by SetMeta),
// and whether there is one.
func (s *Store) Meta(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.pool.QueryRow(ctx, "SELECT value FROM qg_meta WHERE key = $1", "x-"+key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("project setting %s: %w", key, err)
	}
	return v, true, nil
}

// SetMeta keeps value under key: a setting of the project that is not a
// change of the record, such as its name or ontology.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO qg_meta (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, "x-"+key, value)
	if err != nil {
		return fmt.Errorf("set project setting %s: %w", key, err)
	}
	return nil
}
