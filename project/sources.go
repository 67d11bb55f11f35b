package project

import (
	"github.com/qualgraph/qualgraph/internal/atomicfile"

	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/qualgraph/qualgraph/corpus"
)

// sourceRecord is the content of sources/ID.json: what the graph does not
// hold about a document and never changes after import.
type sourceRecord struct {
	ID       string           `json:"id"`
	Segments []corpus.Segment `json:"segments"`
}

func (p *Project) textPath(id string) string {
	return filepath.Join(p.Dir, SourcesDir, id+".txt")
}

func (p *Project) recordPath(id string) string {
	return filepath.Join(p.Dir, SourcesDir, id+".json")
}

// Text returns the stored text of document id.
func (p *Project) Text(id string) (string, error) {
	text, err := p.reads.text(p.textPath(id))
	if err != nil {
		return "", fmt.Errorf("document %s: source text: %w", id, err)
	}
	return text, nil
}

// loadSource fills d's text and segments from sources/.
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
	b, err := os.ReadFile(p.recordPath(id))
	if err != nil {
		return rec, fmt.Errorf("document %s: segments: %w", id, err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("%s: %w", p.recordPath(id), err)
	}
	return rec, nil
}

// writeSource stores d's text and segments, unflushed (see syncSources).
// Sources are write-once: an existing file with the same content is left
// alone, one with other content is an error.
func (p *Project) writeSource(d *corpus.Document) error {
	rec, _ := json.Marshal(sourceRecord{ID: d.ID, Segments: d.Segments})
	for _, f := range []struct {
		name string
		data []byte
	}{{p.textPath(d.ID), []byte(d.Text)}, {p.recordPath(d.ID), rec}} {
		old, err := os.ReadFile(f.name)
		switch {
		case err == nil && bytes.Equal(old, f.data):
			continue
		case err == nil:
			return fmt.Errorf("%s exists with other content; sources are write-once (run qualgraph check)", f.name)
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
		if err := atomicfile.WriteFileNoSync(f.name, f.data); err != nil {
			return err
		}
	}
	return nil
}

// syncSources makes the sources written so far durable, in one flush.
func (p *Project) syncSources() error {
	return atomicfile.SyncFS(filepath.Join(p.Dir, SourcesDir))
}

// removeSource deletes a document's files from sources/ (used only to undo
// an import the graph never recorded).
func (p *Project) removeSource(id string) error {
	return errors.Join(rmIfExists(p.textPath(id)), rmIfExists(p.recordPath(id)))
}

func rmIfExists(name string) error {
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// sourceIDs lists the document ids that have files in sources/.
func (p *Project) sourceIDs() (map[string]bool, error) {
	ents, err := os.ReadDir(filepath.Join(p.Dir, SourcesDir))
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		ids[strings.TrimSuffix(strings.TrimSuffix(name, ".txt"), ".json")] = true
	}
	return ids, nil
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
