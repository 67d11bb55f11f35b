package project

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/qualgraph/qualgraph/corpus"
)

// sourceRecord is the content of sources/ID.json: what the graph does not
// hold about a document and never changes after import.
type sourceRecord struct {
	ID       string           `json:"id"`
	Segments []corpus.Segment `json:"segments"`
}

// textPath is where a local project keeps document id's text.
func (p *Project) textPath(id string) string {
	return filepath.Join(p.Dir, SourcesDir, id+".txt")
}

// Text returns the stored text of document id.
func (p *Project) Text(id string) (string, error) {
	text, err := p.be.text(id)
	if err != nil {
		return "", fmt.Errorf("document %s: source text: %w", id, err)
	}
	return text, nil
}

// loadSource fills d's text and segments from the sources.
func (p *Project) loadSource(d *corpus.Document) error {
	text, err := p.Text(d.ID)
	if err != nil {
		return err
	}
	rec, err := p.readRecord(d.ID)
	if err != nil {
		return err
	}
	d.Text = text
	d.Segments = rec.Segments
	return nil
}

func (p *Project) readRecord(id string) (sourceRecord, error) {
	var rec sourceRecord
	b, err := p.be.segments(id)
	if err != nil {
		return rec, fmt.Errorf("document %s: segments: %w", id, err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("document %s: segments: %w", id, err)
	}
	return rec, nil
}

// writeSource stores d's text and segments, unflushed (see syncSources).
// Sources are write-once.
func (p *Project) writeSource(d *corpus.Document) error {
	return p.be.writeSource(d.ID, d.Text, sourceJSON(d))
}

// syncSources makes the sources written so far durable, in one flush.
func (p *Project) syncSources() error { return p.be.syncSources() }

// removeSource deletes a document's sources (used only to undo an import
// the record never recorded).
func (p *Project) removeSource(id string) error { return p.be.removeSource(id) }

func rmIfExists(name string) error {
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// sourceIDs lists the document ids that have stored sources.
func (p *Project) sourceIDs() (map[string]bool, error) { return p.be.sourceIDs() }

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
