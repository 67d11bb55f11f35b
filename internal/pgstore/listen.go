package pgstore

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/qualgraph/qualgraph/internal/record"
)

// listenApp is the application_name of Listen's connections, as
// pg_stat_activity shows them.
const listenApp = "qualgraph listen"

// Listen returns a channel that receives the record's head: once at the
// start, then whenever a write commits, from this process or any other.
// Heads only grow; a receiver that falls behind gets the latest one (heads
// in between are coalesced), so it reads the entries up to it with Scan.
// Listen keeps a connection of its own, outside the pool, and when it
// drops reconnects (retrying with a growing pause up to 5 s) and sends the
// head again, since notifications sent meanwhile are lost. The channel is
// closed when ctx is done. Listen fails only if it cannot listen at the
// start.
func (s *Store) Listen(ctx context.Context) (<-chan record.Position, error) {
	conn, head, err := s.listen(ctx)
	if err != nil {
		return nil, err
	}
	ch := make(chan record.Position, 1)
	ch <- head
	go s.relay(ctx, conn, head, ch)
	return ch, nil
}

// listen opens a connection, listens, and reads the head after it listens,
// so that no commit falls between the two.
func (s *Store) listen(ctx context.Context) (*pgx.Conn, record.Position, error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = listenApp
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, Start, err
	}
	var seq int64
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err == nil {
		err = conn.QueryRow(ctx, "SELECT seq FROM qg_head").Scan(&seq)
	}
	if err != nil {
		closeConn(conn)
		return nil, Start, err
	}
	return conn, pos(uint64(seq)), nil
}

// relay sends the heads that conn's notifications announce to ch until ctx
// is done, reconnecting when conn fails.
func (s *Store) relay(ctx context.Context, conn *pgx.Conn, sent record.Position, ch chan record.Position) {
	defer close(ch)
	send := func(p record.Position) {
		if p.Seq <= sent.Seq {
			return
		}
		sent = p
		select {
		case ch <- p:
		default:
			select { // replace the head the receiver has not taken yet
			case <-ch:
			default:
			}
			ch <- p
		}
	}
	pause := 50 * time.Millisecond
	for {
		if conn == nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
			pause = min(2*pause, 5*time.Second)
			c, head, err := s.listen(ctx)
			if err != nil {
				continue
			}
			conn, pause = c, 50*time.Millisecond
			send(head)
		}
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			closeConn(conn)
			conn = nil
			if ctx.Err() != nil {
				return
			}
			continue
		}
		if seq, err := strconv.ParseUint(n.Payload, 10, 64); err == nil {
			send(pos(seq))
		}
	}
}

// closeConn closes conn, waiting at most a second for the server.
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn.Close(ctx)
}
