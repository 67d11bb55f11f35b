package kg

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/corpus"
	"github.com/qualgraph/qualgraph/internal/atomicfile"
	"github.com/qualgraph/qualgraph/internal/record"
)

// The projection. Reading every coding back from cayley costs seconds at
// 200,000 codings, so the commands read a projection instead: logs in the
// graph folder (codings.log, records.log, codes.log, quotes.log, docs.log)
// of the record's entries, one line per record, that replay into a
// coding.View in a fraction of that time. They are derived from the
// project's record with a position (position.go); RebuildProjection
// rewrites them from the graph, and "qualgraph check" compares the two.
//
// Lines (fields separated by tabs; records as in the graph):
//
//	C ID RECORD        a coding (RECORD ends with MODEL SCORE if suggested)
//	U ID               a coding removed
//	R ID CODE          a coding recoded
//	M ID RECORD        a mention
//	A ID FIELDS...     an assertion (see assertionLine)
//	J {"k":KIND,...}   anything else, as JSON: change, entity, retract,
//	                   evidence (spans added to an assertion's evidence),
//	                   memo, code, promote, user, unuser, blind (users.go),
//	                   alias (a speaker alias set or removed), entity_change,
//	                   guids (what a REFI-QDA import kept of the file's
//	                   users and coding GUIDs), reject (suggestions
//	                   rejected)
//	Q DOC START END TEXT
//	                   the text of an evidence span (TEXT escaped as a
//	                   record's memo is)
//
// Codings and mentions (C, U, R, M) go to codings.log, assertions and the
// rest (A, J) to records.log, so that a command that needs only entities,
// assertions or the codebook does not read 200,000 codings. Emergent codes
// (J lines of kind code and promote) go to codes.log, so that checking a
// code, which every coding command does, reads only them; so do speaker
// aliases (kind alias), which every search by speaker reads. Quotes (Q) go to
// quotes.log, which only the commands that show evidence read.
//
// A J line starts with its kind ({"k":"change", ...}), so that LoadParts
// skips the kinds it was not asked for without decoding them.
//
// docs.log names the documents, for the listings that show a document's
// name beside each span (reading 2,000 names from the graph takes half a
// second):
//
//	D ID NAME          a document imported (NAME escaped as a memo is)
//	E {JSON}           what is known of it (corpus.Document without text
//	                   and segments), so that readers need not open the graph
//	V ID {JSON}        new values of its attributes
//	X ID               a document removed (an import undone)
//
// A projection made before it had docs.log has none, and a write never
// creates it, so that it cannot hold only the documents imported since:
// LoadDocNames then returns ErrNoProjection, and RebuildProjection writes it.
const (
	codingsLog = "codings.log"
	recordsLog = "records.log"
	codesLog   = "codes.log"
	quotesLog  = "quotes.log"
	docsLog    = "docs.log"
)

// logFor returns the log a projection line belongs to.
func logFor(l string) string {
	switch {
	case strings.HasPrefix(l, "A\t"):
		return recordsLog
	case strings.HasPrefix(l, "Q\t"):
		return quotesLog
	case strings.HasPrefix(l, "D\t"), strings.HasPrefix(l, "X\t"), strings.HasPrefix(l, "E\t"), strings.HasPrefix(l, "V\t"):
		return docsLog
	case !strings.HasPrefix(l, "J\t"):
		return codingsLog
	case strings.HasPrefix(l, `J	{"k":"code"`), strings.HasPrefix(l, `J	{"k":"promote"`), strings.HasPrefix(l, `J	{"k":"alias"`):
		return codesLog
	}
	return recordsLog
}

// ErrNoProjection is returned by LoadView when a graph folder has no
// projection (it was made by an older qualgraph, or lost).
var ErrNoProjection = errors.New("no projection of the graph (qualgraph check --repair rebuilds it)")

type event struct {
	K       string               `json:"k"`
	Change  *coding.Change       `json:"change,omitempty"`
	Entity  *coding.Entity       `json:"entity,omitempty"`
	Assert  *coding.Assertion    `json:"assertion,omitempty"`
	Memo    *coding.Memo         `json:"memo,omitempty"`
	Code    *coding.Code         `json:"code,omitempty"`
	ID      string               `json:"id,omitempty"`
	Reason  string               `json:"reason,omitempty"`
	Parent  string               `json:"parent,omitempty"`
	Alias   *coding.SpeakerAlias `json:"alias,omitempty"`
	Version int                  `json:"v,omitempty"`
	User    *coding.User         `json:"user,omitempty"`
	On      bool                 `json:"on,omitempty"`

	EntityChange *coding.EntityChange `json:"entity_change,omitempty"`
	GUIDs        *coding.ExternalIDs  `json:"guids,omitempty"`
	Rejections   []coding.Rejection   `json:"rejections,omitempty"`

	// Added and Spans are evidence added to assertion ID (evidenceLine).
	Added *coding.EvidenceAddition `json:"added,omitempty"`
	Spans []coding.Span            `json:"spans,omitempty"`
}

func jsonLine(e event) string {
	b, _ := json.Marshal(e)
	return "J\t" + string(b)
}

func changeLine(ch coding.Change) string { return jsonLine(event{K: "change", Change: &ch}) }

// appendProjection appends lines to the projection and syncs it.
func (s *Store) appendProjection(lines []string) error {
	if s.dir == "" || len(lines) == 0 {
		return nil
	}
	bufs := map[string]*bytes.Buffer{}
	for _, l := range lines {
		name := logFor(l)
		if bufs[name] == nil {
			bufs[name] = &bytes.Buffer{}
		}
		bufs[name].WriteString(l)
		bufs[name].WriteByte('\n')
	}
	// Quotes first: a quote whose assertion was lost is harmless, and the
	// rebuild that follows a lost write drops it.
	for _, name := range []string{docsLog, quotesLog, codesLog, recordsLog, codingsLog} {
		if b := bufs[name]; b != nil {
			err := appendFile(filepath.Join(s.dir, name), b.Bytes(), name != docsLog)
			if err != nil && !(name == docsLog && errors.Is(err, fs.ErrNotExist)) {
				return err
			}
		}
	}
	return s.followWrite()
}

// docLine returns the projection's line for document id named name.
func docLine(id, name string) string { return "D\t" + escapeField(id) + "\t" + escapeField(name) }

// metaLine returns the line that keeps what is known of document d (its
// record without text and segments), for readers that must not wait for
// the graph.
func metaLine(d *corpus.Document) string {
	m := *d
	m.Text, m.Segments = "", nil
	b, _ := json.Marshal(&m)
	return "E\t" + string(b)
}

// attrsLine returns the line of new values of document id's attributes.
func attrsLine(id string, attrs corpus.Attrs) string {
	b, _ := json.Marshal(attrs)
	return "V\t" + escapeField(id) + "\t" + string(b)
}

// LoadDocuments returns what the projection in graphDir keeps of every
// document (as Store.Documents returns them: no text or segments, sorted
// by name), without opening the graph. It returns ErrNoProjection for a
// projection made before it kept them (the graph has them).
func LoadDocuments(graphDir string) ([]*corpus.Document, error) {
	name, data, err := readDocsLog(graphDir)
	if err != nil {
		return nil, err
	}
	named := map[string]bool{}
	docs := map[string]*corpus.Document{}
	for line := 1; data != ""; line++ {
		l, rest, _ := strings.Cut(data, "\n")
		data = rest
		kind, f, _ := strings.Cut(l, "\t")
		switch kind {
		case "":
		case "D":
			id, _, _ := strings.Cut(f, "\t")
			named[unescapeField(id)] = true
		case "X":
			delete(named, unescapeField(f))
			delete(docs, unescapeField(f))
		case "E":
			d := &corpus.Document{}
			if err := json.Unmarshal([]byte(f), d); err != nil {
				return nil, fmt.Errorf("%s:%d: bad document record: %v", name, line, err)
			}
			if d.Attrs == nil {
				d.Attrs = corpus.Attrs{}
			}
			docs[d.ID] = d
		case "V":
			id, js, _ := strings.Cut(f, "\t")
			var attrs corpus.Attrs
			if err := json.Unmarshal([]byte(js), &attrs); err != nil {
				return nil, fmt.Errorf("%s:%d: bad attributes record", name, line)
			}
			d := docs[unescapeField(id)]
			if d == nil {
				continue // an older projection's document: see below
			}
			for k, v := range attrs {
				d.Attrs[k] = v
			}
		default:
			return nil, fmt.Errorf("%s:%d: unknown line kind %q", name, line, kind)
		}
	}
	out := make([]*corpus.Document, 0, len(docs))
	for id := range named {
		d := docs[id]
		if d == nil {
			return nil, ErrNoProjection // an older projection: names only
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *corpus.Document) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// FindDocuments returns what the projection in graphDir keeps of the
// document whose id is ref, or else of every document named ref (sorted by
// id; none if no document is), as LoadDocuments returns them. It decodes
// only those documents' records, so that a command that checks one span
// does not decode every document's. It returns ErrNoProjection where
// LoadDocuments would for the documents found.
func FindDocuments(graphDir, ref string) ([]*corpus.Document, error) {
	// The log is read line by line, twice, rather than whole: a megabyte
	// of fresh memory costs more than reading it again from the page
	// cache.
	tab := []byte{'\t'}
	// First the names (D and X lines, no JSON), to know which ids to find.
	var byID bool
	byName := map[string]bool{}
	name, err := scanDocsLog(graphDir, func(_ int, l []byte) error {
		kind, f, _ := bytes.Cut(l, tab)
		switch string(kind) {
		case "D":
			id, n, _ := bytes.Cut(f, tab)
			id2 := unescapeField(string(id))
			byID = byID || id2 == ref
			if unescapeField(string(n)) == ref {
				byName[id2] = true
			} else {
				delete(byName, id2)
			}
		case "X":
			id := unescapeField(string(f))
			byID = byID && id != ref
			delete(byName, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	want := map[string]*corpus.Document{}
	if byID {
		want[ref] = nil
	} else {
		for id := range byName {
			want[id] = nil
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	// The JSON of a wanted record holds its id as json.Marshal writes it.
	quoted := make([][]byte, 0, len(want))
	for id := range want {
		b, _ := json.Marshal(id)
		quoted = append(quoted, b)
	}
	_, err = scanDocsLog(graphDir, func(line int, l []byte) error {
		kind, f, _ := bytes.Cut(l, tab)
		switch string(kind) {
		case "E":
			if !slices.ContainsFunc(quoted, func(q []byte) bool { return bytes.Contains(f, q) }) {
				return nil
			}
			d := &corpus.Document{}
			if err := json.Unmarshal(f, d); err != nil {
				return fmt.Errorf("%s:%d: bad document record: %v", name, line, err)
			}
			if _, ok := want[d.ID]; !ok {
				return nil
			}
			if d.Attrs == nil {
				d.Attrs = corpus.Attrs{}
			}
			want[d.ID] = d
		case "V":
			id, js, _ := bytes.Cut(f, tab)
			d := want[unescapeField(string(id))]
			if d == nil {
				return nil // not wanted, or an older projection's document
			}
			var attrs corpus.Attrs
			if err := json.Unmarshal(js, &attrs); err != nil {
				return fmt.Errorf("%s:%d: bad attributes record", name, line)
			}
			for k, v := range attrs {
				d.Attrs[k] = v
			}
		case "X":
			if id := unescapeField(string(f)); want[id] != nil {
				want[id] = nil // removed, then imported again
			}
		case "", "D":
		default:
			return fmt.Errorf("%s:%d: unknown line kind %q", name, line, kind)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*corpus.Document, 0, len(want))
	for _, d := range want {
		if d == nil {
			return nil, ErrNoProjection // an older projection: names only
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *corpus.Document) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// scanDocsLog calls fn with each line of docs.log in graphDir (without its
// newline, valid only during the call) up to the projection's position,
// and returns the log's name; ErrNoProjection if there is none.
func scanDocsLog(graphDir string, fn func(line int, l []byte) error) (string, error) {
	name := filepath.Join(graphDir, docsLog)
	lim, err := readLimits(graphDir)
	if err != nil {
		return name, err
	}
	return name, scanLimited(name, lim, fn)
}

// RebuildDocNames writes the projection's document names (docs.log) afresh
// from the graph, and nothing else of the projection: for a projection
// made before it named documents.
func (s *Store) RebuildDocNames(ctx context.Context) error {
	if s.dir == "" {
		return nil
	}
	docs, err := s.Documents(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, d := range docs {
		b.WriteString(docLine(d.ID, d.Name))
		b.WriteByte('\n')
		b.WriteString(metaLine(d))
		b.WriteByte('\n')
	}
	if err := atomicfile.WriteFile(filepath.Join(s.dir, docsLog), []byte(b.String())); err != nil {
		return err
	}
	return s.followWrite()
}

// readDocsLog returns the name of docs.log in graphDir and its content up
// to the projection's position; ErrNoProjection if there is none.
func readDocsLog(graphDir string) (name, data string, err error) {
	name = filepath.Join(graphDir, docsLog)
	lim, err := readLimits(graphDir)
	if err != nil {
		return name, "", err
	}
	data, err = readLimitedString(name, lim)
	if errors.Is(err, fs.ErrNotExist) {
		return name, "", ErrNoProjection
	}
	return name, data, err
}

// LoadDocNames returns the name of every document by id, from the graph's
// projection in graphDir, without opening the graph; ErrNoProjection if
// the projection does not name the documents (see docs.log above).
func LoadDocNames(graphDir string) (map[string]string, error) {
	name, data, err := readDocsLog(graphDir)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for line := 1; data != ""; line++ {
		l, rest, _ := strings.Cut(data, "\n")
		data = rest
		kind, f, _ := strings.Cut(l, "\t")
		switch {
		case l == "":
		case kind == "D":
			id, n, ok := strings.Cut(f, "\t")
			if !ok || id == "" {
				return nil, fmt.Errorf("%s:%d: bad document record", name, line)
			}
			names[unescapeField(id)] = unescapeField(n)
		case kind == "X" && f != "":
			delete(names, unescapeField(f))
		case kind == "E" || kind == "V":
			// the documents' records (LoadDocuments)
		default:
			return nil, fmt.Errorf("%s:%d: unknown line kind %q", name, line, kind)
		}
	}
	return names, nil
}

// appendFile appends data to file name and syncs it; it creates the file
// if create is set, else returns an error wrapping fs.ErrNotExist.
func appendFile(name string, data []byte, create bool) error {
	if len(data) == 0 {
		return nil
	}
	flag := os.O_WRONLY | os.O_APPEND
	if create {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(name, flag, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// Part selects the records that LoadParts replays. Parts combine with |.
type Part uint8

// The parts of a projection.
const (
	PartCodings    Part = 1 << iota // codings and mentions (codings.log)
	PartChanges                     // the change log
	PartEntities                    // entities
	PartAssertions                  // assertions, with their retractions
	PartMemos                       // memos
	PartCodes                       // emergent codes, with their promotions (codes.log)
	PartUsers                       // users and blind coding (users.go)
	PartSpeakers                    // speaker aliases (codes.log)

	// PartRecords is everything but codings and mentions.
	PartRecords = PartChanges | PartEntities | PartAssertions | PartMemos | PartCodes | PartUsers | PartSpeakers
	// PartAll is the whole projection.
	PartAll = PartCodings | PartRecords
)

// partOf returns the part that records of a J line's kind belong to, or
// 0 for a kind it does not know.
func partOf(kind string) Part {
	switch kind {
	case "change":
		return PartChanges
	case "entity":
		return PartEntities
	case "assertion", "retract", "evidence":
		return PartAssertions
	case "memo":
		return PartMemos
	case "code", "promote":
		return PartCodes
	case "user", "unuser", "blind":
		return PartUsers
	case "alias":
		return PartSpeakers
	}
	return 0
}

// jsonKind returns the kind of a J line's JSON, which jsonLine writes
// first, without decoding it; "" if the line does not start so.
func jsonKind[T string | []byte](js T) string {
	const prefix = `{"k":"`
	if len(js) < len(prefix) || string(js[:len(prefix)]) != prefix {
		return ""
	}
	for i := len(prefix); i < len(js); i++ {
		if js[i] == '"' {
			return string(js[len(prefix):i])
		}
	}
	return ""
}

// LoadView replays the projection in graphDir into a View, without opening
// the graph. With records only, it leaves out codings and mentions.
func LoadView(graphDir string, recordsOnly bool) (*coding.View, error) {
	if recordsOnly {
		return LoadParts(graphDir, PartRecords)
	}
	return LoadParts(graphDir, PartAll)
}

// LoadParts replays the parts of the projection in graphDir that parts
// selects into a View, without opening the graph; the View's other lists
// are empty. It reads only the logs that hold those parts and skips the
// lines of other parts without decoding them, so that a query over
// entities and assertions pays neither for the codings nor for the change
// log. It returns ErrNoProjection if a log it needs is missing.
func LoadParts(graphDir string, parts Part) (*coding.View, error) {
	return Load(graphDir, LoadOptions{Parts: parts})
}

// LoadOptions select what Load replays of a projection.
type LoadOptions struct {
	Parts Part
	// Touching, if not nil, keeps only the assertions (and retractions)
	// whose subject or object is one of its keys: an entity id, or
	// "class:ID" for a concept. A walk of the actor graph reads the
	// assertions around the entities it reaches instead of all of them
	// (see coding.Neighbors).
	Touching map[string]bool
	// NearEntities, with Touching, keeps only the entities that Touching
	// names or that are an end of an assertion kept: the nodes of the
	// walk's next step. Their lines are decoded only once the assertions
	// are read, which saves decoding every entity of the project.
	NearEntities bool
	// Docs, if not nil, keeps only the codings and mentions of these
	// documents, and Codings only the codings with these ids (and no
	// mentions): a writer that checks one span or one coding reads
	// those instead of decoding every coding of the project. Recodes
	// and removals of the codings left out are skipped.
	Docs, Codings map[string]bool
	// NoMentions leaves out the mentions, and so does not read the
	// entity changes they follow (records.log) when the replay reads
	// no other records: a writer that checks the codings of one
	// document needs only those. Codings leaves them out too.
	NoMentions bool
	// Tail, if not nil, returns the entries of the record after the
	// position the projection has applied (a writer killed before it
	// applied them leaves them there until the next writer does), and
	// Load replays them after the logs, so that a reader sees every
	// change the record holds.
	Tail func(from record.Position) ([]*coding.Event, error)
}

// Load replays what opt selects of the projection in graphDir into a View,
// as LoadParts does.
func Load(graphDir string, opt LoadOptions) (*coding.View, error) {
	pos, ok, err := ReadPosition(graphDir)
	if err != nil {
		return nil, err
	}
	var lim limits
	if ok {
		lim = pos.Sizes
	}
	r := &replay{parts: opt.Parts, touching: opt.Touching, docs: opt.Docs, ids: opt.Codings, codes: map[string]int{}, lim: lim,
		noMentions: opt.NoMentions || opt.Codings != nil}
	r.deferEntities = opt.NearEntities && opt.Touching != nil && opt.Parts&PartEntities != 0
	var tail []*coding.Event
	if opt.Tail != nil && ok {
		if tail, err = opt.Tail(pos.Position); err != nil {
			return nil, err
		}
	}
	if r.touching != nil && opt.Parts&PartAssertions != 0 {
		// The assertions of entities merged into those touched are
		// theirs: keep them too.
		ec, err := loadEntityChanges(filepath.Join(graphDir, recordsLog), lim, tail)
		if err != nil {
			return nil, err
		}
		r.touching = ec.touching(r.touching)
	}
	for _, f := range []struct {
		name  string
		parts Part
	}{
		{codesLog, PartCodes | PartSpeakers},
		{recordsLog, PartRecords &^ (PartCodes | PartSpeakers)},
		{codingsLog, PartCodings},
	} {
		if opt.Parts&f.parts == 0 {
			if f.name == recordsLog && opt.Parts&PartCodings != 0 && r.noMentions {
				// No mentions to follow the entity changes; but a lost
				// log is still the caller's to know (and a writer's to
				// rebuild before it appends).
				if _, err := os.Stat(filepath.Join(graphDir, recordsLog)); errors.Is(err, fs.ErrNotExist) {
					return nil, ErrNoProjection
				}
			} else if f.name == recordsLog && opt.Parts&PartCodings != 0 {
				// Mentions follow the merges and removals of entities,
				// which records.log keeps.
				ec, err := loadEntityChanges(filepath.Join(graphDir, recordsLog), lim, nil)
				if err != nil {
					return nil, err
				}
				r.ents = *ec
			}
			continue
		}
		if f.name == codingsLog && r.docsIndexed(graphDir) {
			continue // a few documents' lines, through codings.idx
		}
		if err := r.file(filepath.Join(graphDir, f.name)); err != nil {
			return nil, err
		}
	}
	if tail != nil {
		if err := r.tail(opt, pos.Position, tail); err != nil {
			return nil, err
		}
	}
	if err := r.nearEntities(); err != nil {
		return nil, err
	}
	r.ents.settle(&r.v)
	return r.view(), nil
}

// entityChangePrefix begins the projection line of an entity change.
const entityChangePrefix = `J	{"k":"entity_change"`

// loadEntityChanges gathers the entity changes of the records log name,
// read up to its limit in lim, and of the record's tail.
func loadEntityChanges(name string, lim limits, tail []*coding.Event) (*entityChanges, error) {
	ec := &entityChanges{}
	err := scanLimited(name, lim, func(line int, b []byte) error {
		if !bytes.HasPrefix(b, []byte(entityChangePrefix)) {
			return nil
		}
		var e event
		if err := json.Unmarshal(b[2:], &e); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if e.Change == nil || e.EntityChange == nil {
			return fmt.Errorf("%s:%d: entity change without its change", name, line)
		}
		ec.add(*e.Change, e.EntityChange)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, ev := range tail {
		if ev.EntityChange != nil {
			ec.add(ev.Change, ev.EntityChange)
		}
	}
	return ec, nil
}

// tail replays the record's entries after from, as their lines would be
// in the logs that opt reads.
func (r *replay) tail(opt LoadOptions, from record.Position, evs []*coding.Event) error {
	read := map[string]bool{
		codesLog:   opt.Parts&(PartCodes|PartSpeakers) != 0,
		recordsLog: opt.Parts&(PartRecords&^(PartCodes|PartSpeakers)) != 0,
		codingsLog: opt.Parts&PartCodings != 0,
	}
	for _, ev := range evs {
		c, err := (&Store{}).collectAs(ev, &collected{linesOnly: true})
		if err != nil {
			return fmt.Errorf("record entry after %d: %w", from.Seq, err)
		}
		for _, l := range c.lines {
			if !read[logFor(l)] && !strings.HasPrefix(l, entityChangePrefix) || !r.wants([]byte(l)) {
				continue
			}
			if err := r.apply(l); err != nil {
				return fmt.Errorf("record entry after %d: %w", from.Seq, err)
			}
		}
	}
	return nil
}

// LoadCodes replays only the emergent codes of the projection in graphDir.
func LoadCodes(graphDir string) ([]coding.Code, error) {
	v, err := LoadParts(graphDir, PartCodes)
	if err != nil {
		return nil, err
	}
	return v.Codes, nil
}

// file replays a log. It reads the log whole into one string, of which
// the records' fields are substrings, which saves an allocation per field;
// but a replay of a few assertions (LoadOptions.Touching) reads it line by
// line and keeps only the lines it needs, touching less memory, which
// costs time of its own (a page of fresh memory costs microseconds on first
// touch, a megabyte milliseconds).
func (r *replay) file(name string) error {
	if r.touching != nil && !strings.HasSuffix(name, codingsLog) || r.filtered() && strings.HasSuffix(name, codingsLog) {
		return r.stream(name)
	}
	data, err := readLimitedString(name, r.lim)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNoProjection
	} else if err != nil {
		return err
	}
	if n := strings.Count(data, "\n"); r.parts&PartCodings != 0 && cap(r.v.Codings) < n && strings.HasSuffix(name, codingsLog) {
		r.v.Codings = make([]coding.Coding, 0, n)
	}
	if n := strings.Count(data, "\nA\t"); r.parts&PartAssertions != 0 && cap(r.v.Assertions) < n+1 && strings.HasSuffix(name, recordsLog) {
		r.v.Assertions = make([]coding.Assertion, 0, n+1)
	}
	for line := 1; data != ""; line++ {
		l, rest, _ := strings.Cut(data, "\n")
		data = rest
		if l == "" {
			continue
		}
		if err := r.apply(l); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	return nil
}

func (r *replay) stream(name string) error {
	return scanLimited(name, r.lim, func(line int, b []byte) error {
		if len(b) == 0 || !r.wants(b) {
			return nil
		}
		if r.deferEntities && len(b) > 2 && b[0] == 'J' && jsonKind(b[2:]) == "entity" {
			r.entityLines = append(r.entityLines, entityLine{id: entityID(b[2:]), json: string(b[2:]), name: name, line: line})
			return nil
		}
		if err := r.apply(string(b)); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		return nil
	})
}

// wants reports whether a line may make a record the replay keeps; apply
// has the last word.
func (r *replay) wants(l []byte) bool {
	if len(l) < 2 || l[1] != '\t' {
		return true // apply reports it
	}
	switch l[0] {
	case 'C', 'M':
		if r.parts&PartCodings == 0 || l[0] == 'M' && r.noMentions {
			return false
		}
		if !r.filtered() {
			return true
		}
		// C ID DOC ...
		// On bytes: converting the rest of each of 200,000 lines to a
		// string to read its first field cost most of a command's time.
		id, rec, _ := bytes.Cut(l[2:], []byte{'\t'})
		if r.ids != nil && (l[0] != 'C' || !r.ids[string(id)]) {
			return false
		}
		doc, _, _ := bytes.Cut(rec, []byte{'\t'})
		return r.docs == nil || r.docs[string(doc)]
	case 'U', 'R':
		return r.parts&PartCodings != 0
	case 'Q':
		return false
	case 'A':
		if r.parts&PartAssertions == 0 {
			return false
		}
		if r.touching == nil {
			return true
		}
		// A ID SUBJECT RELATION OBJECT ...
		f := l[2:]
		var subject, object []byte
		for i := 0; i < 4; i++ {
			field, rest, _ := bytes.Cut(f, []byte{'\t'})
			switch i {
			case 1:
				subject = field
			case 3:
				object = field
			}
			f = rest
		}
		return r.touching[string(subject)] || r.touching[string(object)]
	case 'J':
		p := partOf(jsonKind(l[2:]))
		return p == 0 || r.parts&p != 0
	}
	return true
}

type replay struct {
	lim      limits // how much of each log to read (see position.go)
	parts    Part
	touching map[string]bool // see LoadOptions
	docs     map[string]bool // see LoadOptions.Docs
	// noMentions: see LoadOptions.NoMentions
	noMentions bool
	ids        map[string]bool // see LoadOptions.Codings
	v          coding.View
	codings    map[string]int // id -> index in v.Codings; nil until needed
	removed    int
	asserts    map[string]int // id -> index in v.Assertions; nil until needed
	codes      map[string]int
	aliases    []coding.SpeakerAlias // in the record's order, removals too
	al         assertionParser
	ents       entityChanges // applied at the end (settle)

	// With LoadOptions.NearEntities, the entity lines, decoded at the
	// end by nearEntities.
	deferEntities bool
	entityLines   []entityLine
	ends          map[string]bool
}

// entityLine is an entity's line of the projection, not yet decoded.
type entityLine struct {
	id   string // "" if it could not be read without decoding
	json string
	name string // the log, and the line's number in it, for errors
	line int
}

// entityIDPrefix begins the JSON of an entity line; the entity's id, which
// holds no quotation mark or backslash (coding.ErrBadID), follows.
const entityIDPrefix = `{"k":"entity","entity":{"id":"`

// entityID returns the id of an entity line's JSON, or "" if it cannot
// tell without decoding.
func entityID(js []byte) string {
	if !bytes.HasPrefix(js, []byte(entityIDPrefix)) {
		return ""
	}
	rest := js[len(entityIDPrefix):]
	end := bytes.IndexByte(rest, '"')
	if end <= 0 || bytes.IndexByte(rest[:end], '\\') >= 0 {
		return ""
	}
	return string(rest[:end])
}

// nearEntities decodes the deferred entity lines of the entities that
// Touching names or that are an end of a kept assertion.
func (r *replay) nearEntities() error {
	if !r.deferEntities {
		return nil
	}
	for _, e := range r.entityLines {
		if e.id != "" && !r.touching[e.id] && !r.isEnd(e.id) {
			continue
		}
		var ev event
		if err := json.Unmarshal([]byte(e.json), &ev); err != nil {
			return fmt.Errorf("%s:%d: %w", e.name, e.line, err)
		}
		if err := r.applyJSON(ev); err != nil {
			return fmt.Errorf("%s:%d: %w", e.name, e.line, err)
		}
	}
	return nil
}

// isEnd reports whether id is the subject or object of an assertion kept.
func (r *replay) isEnd(id string) bool {
	if r.ends == nil {
		r.ends = map[string]bool{}
		for _, a := range r.v.Assertions {
			r.ends[a.Subject], r.ends[a.Object] = true, true
			r.ends[r.ents.kept(a.Subject)], r.ends[r.ents.kept(a.Object)] = true, true
		}
	}
	return r.ends[id]
}

func (r *replay) apply(line string) error {
	kind, rest, _ := strings.Cut(line, "\t")
	switch kind {
	case "C", "M", "U", "R":
		if r.parts&PartCodings == 0 {
			return nil
		}
	case "A":
		if r.parts&PartAssertions == 0 {
			return nil
		}
	case "Q":
		return nil // LoadQuotes reads them
	case "J":
		if p := partOf(jsonKind(rest)); p != 0 && r.parts&p == 0 {
			return nil
		}
	}
	switch kind {
	case "C", "M":
		id, rec, _ := strings.Cut(rest, "\t")
		if kind == "M" && r.noMentions {
			return nil
		}
		if r.filtered() && !r.keepCoding(kind, id, rec) {
			return nil
		}
		d, st, en, what, coder, created, memo, err := parseRecord(rec)
		if err != nil {
			return err
		}
		span := coding.Span{Doc: d, Start: st, End: en}
		if kind == "C" {
			if r.codings != nil {
				r.codings[id] = len(r.v.Codings)
			}
			r.v.Codings = append(r.v.Codings, coding.Coding{ID: id, Span: span, Code: what, Coder: coder, Created: created, Memo: memo,
				Suggested: parseSuggested(rec, 7)})
		} else {
			r.v.Mentions = append(r.v.Mentions, coding.Mention{ID: id, Span: span, Entity: what, Coder: coder, Created: created})
		}
	case "A":
		a, err := r.al.parse(rest)
		if err != nil {
			return err
		}
		if !r.keep(&a) {
			return nil
		}
		if r.asserts != nil {
			r.asserts[a.ID] = len(r.v.Assertions)
		}
		r.v.Assertions = append(r.v.Assertions, a)
	case "U":
		i, ok := r.index()[rest]
		if !ok && r.filtered() {
			return nil // a coding left out
		}
		if !ok {
			return fmt.Errorf("uncode of unknown coding %s", rest)
		}
		r.v.Codings[i].ID = "" // dropped in view()
		delete(r.codings, rest)
		r.removed++
	case "R":
		id, code, _ := strings.Cut(rest, "\t")
		i, ok := r.index()[id]
		if !ok && r.filtered() {
			return nil // a coding left out
		}
		if !ok {
			return fmt.Errorf("recode of unknown coding %s", id)
		}
		r.v.Codings[i].Code = code
	case "J":
		var e event
		if err := json.Unmarshal([]byte(rest), &e); err != nil {
			return err
		}
		return r.applyJSON(e)
	default:
		return fmt.Errorf("unknown line kind %q", kind)
	}
	return nil
}

// filtered says the replay keeps only some codings (LoadOptions.Docs,
// LoadOptions.Codings).
func (r *replay) filtered() bool { return r.docs != nil || r.ids != nil }

// keepCoding reports whether the replay keeps the coding (kind "C") or
// mention ("M") line with this id and record (DOC<tab>START...).
func (r *replay) keepCoding(kind, id, rec string) bool {
	if r.ids != nil && (kind != "C" || !r.ids[id]) {
		return false
	}
	doc, _, _ := strings.Cut(rec, "\t")
	return r.docs == nil || r.docs[doc]
}

// index returns the map from coding id to position, built on first use:
// only removals and recodes need it.
func (r *replay) index() map[string]int {
	if r.codings == nil {
		r.codings = make(map[string]int, len(r.v.Codings))
		for i, c := range r.v.Codings {
			if c.ID != "" {
				r.codings[c.ID] = i
			}
		}
	}
	return r.codings
}

// keep reports whether the replay keeps assertion a.
func (r *replay) keep(a *coding.Assertion) bool {
	return r.touching == nil || r.touching[a.Subject] || r.touching[a.Object]
}

// assertIndex returns the map from assertion id to position, built on
// first use: only retractions need it.
func (r *replay) assertIndex() map[string]int {
	if r.asserts == nil {
		r.asserts = make(map[string]int, len(r.v.Assertions))
		for i, a := range r.v.Assertions {
			r.asserts[a.ID] = i
		}
	}
	return r.asserts
}

func (r *replay) applyJSON(e event) error {
	switch {
	case e.K == "change" && e.Change != nil:
		r.v.Changes = append(r.v.Changes, *e.Change)
	case e.K == "entity" && e.Entity != nil:
		r.v.Entities = append(r.v.Entities, *e.Entity)
	case e.K == "assertion" && e.Assert != nil:
		if !r.keep(e.Assert) {
			return nil
		}
		if r.asserts != nil {
			r.asserts[e.Assert.ID] = len(r.v.Assertions)
		}
		r.v.Assertions = append(r.v.Assertions, *e.Assert)
	case e.K == "retract":
		i, ok := r.assertIndex()[e.ID]
		if !ok && r.touching != nil {
			return nil // an assertion left out
		} else if !ok {
			return fmt.Errorf("retraction of unknown assertion %s", e.ID)
		}
		r.v.Assertions[i].Retracted, r.v.Assertions[i].Reason = true, e.Reason
	case e.K == "evidence" && e.Added != nil:
		i, ok := r.assertIndex()[e.ID]
		if !ok && r.touching != nil {
			return nil // an assertion left out
		} else if !ok {
			return fmt.Errorf("evidence added to unknown assertion %s", e.ID)
		}
		a := &r.v.Assertions[i]
		added := *e.Added
		added.From = len(a.Evidence)
		// A new slice: the evidence may be cut from a slab shared with
		// other assertions (assertionParser).
		a.Evidence = append(slices.Clip(a.Evidence), e.Spans...)
		a.Additions = append(a.Additions, added)
	case e.K == "entity_change" && e.EntityChange != nil && e.Change != nil:
		r.ents.add(*e.Change, e.EntityChange)
	case e.K == "memo" && e.Memo != nil:
		r.v.Memos = append(r.v.Memos, *e.Memo)
	case e.K == "code" && e.Code != nil:
		r.codes[e.Code.ID] = len(r.v.Codes)
		r.v.Codes = append(r.v.Codes, *e.Code)
	case e.K == "guids" && e.GUIDs != nil:
		r.v.ExternalUsers = append(r.v.ExternalUsers, e.GUIDs.Users...)
		r.v.CodingGUIDs = append(r.v.CodingGUIDs, e.GUIDs.Codings...)
	case e.K == "reject":
		r.v.Rejections = append(r.v.Rejections, e.Rejections...)
	case e.K == "promote":
		i, ok := r.codes[e.ID]
		if !ok {
			return fmt.Errorf("promotion of unknown code %s", e.ID)
		}
		r.v.Codes[i].Promoted, r.v.Codes[i].Parent = true, e.Parent
	case e.K == "user" && e.User != nil:
		u := e.User
		r.v.ApplyUser(coding.Change{By: u.AddedBy, At: u.Added}, coding.UserChange{Name: u.Name, Role: u.Role, TokenHash: u.TokenHash})
	case e.K == "unuser":
		r.v.ApplyUser(coding.Change{}, coding.UserChange{Name: e.ID, Removed: true})
	case e.K == "blind":
		r.v.Blind = e.On
	case e.K == "alias" && e.Alias != nil:
		r.aliases = append(r.aliases, *e.Alias)
	default:
		return fmt.Errorf("unknown record %q", e.K)
	}
	return nil
}

func (r *replay) view() *coding.View {
	if r.removed > 0 {
		kept := r.v.Codings[:0]
		for _, c := range r.v.Codings {
			if c.ID != "" {
				kept = append(kept, c)
			}
		}
		r.v.Codings = kept
	}
	// View.Sort checks the order of each list and sorts it stably if need
	// be; a projection written by an older qualgraph has each batch of a
	// write in no particular order, and a stable sort of 200,000 codings
	// costs more than reading them. Put the lists in order first.
	r.v.Codings = inOrder(r.v.Codings, func(c *coding.Coding) (time.Time, string) { return c.Created, c.ID })
	r.v.Mentions = inOrder(r.v.Mentions, func(m *coding.Mention) (time.Time, string) { return m.Created, m.ID })
	r.v.Assertions = inOrder(r.v.Assertions, func(a *coding.Assertion) (time.Time, string) { return a.Created, a.ID })
	if len(r.aliases) > 0 {
		r.v.SpeakerAliases = coding.NewSpeakerNames(r.aliases).List()
	}
	r.v.Sort()
	return &r.v
}

// inOrder returns xs in the order of coding.View.Sort (creation time, then
// id, then position), which is xs itself when it is in order already.
// Otherwise it sorts compact keys and copies each element once, where
// sorting xs would move large structs many times.
func inOrder[T any](xs []T, key func(*T) (time.Time, string)) []T {
	type sortKey struct {
		sec  int64
		nsec int32
		i    int32
		id   string
	}
	compare := func(a, b *sortKey) int {
		switch {
		case a.sec != b.sec:
			return cmp.Compare(a.sec, b.sec)
		case a.nsec != b.nsec:
			return cmp.Compare(a.nsec, b.nsec)
		}
		return cmp.Or(strings.Compare(a.id, b.id), cmp.Compare(a.i, b.i))
	}
	keyOf := func(i int) sortKey {
		t, id := key(&xs[i])
		return sortKey{t.Unix(), int32(t.Nanosecond()), int32(i), id}
	}
	sorted := true
	for i := 1; i < len(xs) && sorted; i++ {
		a, b := keyOf(i-1), keyOf(i)
		sorted = compare(&a, &b) <= 0
	}
	if sorted || len(xs) > math.MaxInt32 {
		return xs
	}
	keys := make([]sortKey, len(xs))
	for i := range xs {
		keys[i] = keyOf(i)
	}
	slices.SortFunc(keys, func(a, b sortKey) int { return compare(&a, &b) })
	out := make([]T, len(xs))
	for i, k := range keys {
		out[i] = xs[k.i]
	}
	return out
}

// RebuildProjection writes the projection afresh from the graph. The
// quotes of evidence spans come from the documents, not the graph: it
// keeps those of the old projection for the spans that are still evidence
// (a document's stored text never changes, so they stay true) and leaves
// the others to the readers, which read them from the documents.
// RebuildProjectionQuoting quotes every span afresh.
func (s *Store) RebuildProjection() error { return s.rebuildProjection(nil) }

// RebuildProjectionQuoting is RebuildProjection with every evidence span
// quoted afresh by quote, called once with all of them. If quote fails,
// the quotes of the old projection are kept as RebuildProjection keeps
// them, and the projection is written all the same: quotes only spare
// readers the documents, and a rebuild, which recovers from a lost write,
// must not fail for want of them.
func (s *Store) RebuildProjectionQuoting(quote QuoteFunc) error { return s.rebuildProjection(quote) }

func (s *Store) rebuildProjection(quote QuoteFunc) error {
	if s.dir == "" {
		return nil
	}
	v, err := s.View()
	if err != nil {
		return err
	}
	docs, err := s.Documents(context.Background())
	if err != nil {
		return err
	}
	files := map[string]*strings.Builder{codingsLog: {}, recordsLog: {}, codesLog: {}, quotesLog: {}, docsLog: {}}
	line := func(l string) {
		b := files[logFor(l)]
		b.WriteString(l)
		b.WriteByte('\n')
	}
	for _, ch := range v.Changes {
		line(changeLine(ch))
	}
	for _, c := range v.Codings {
		line("C\t" + c.ID + "\t" + codingRecord(c))
	}
	for _, m := range v.Mentions {
		line("M\t" + m.ID + "\t" + codingRecord(coding.Coding{Span: m.Span, Code: m.Entity, Coder: m.Coder, Created: m.Created}))
	}
	for i := range v.Entities {
		line(jsonLine(event{K: "entity", Entity: &v.Entities[i]}))
	}
	for i := range v.Removed {
		// The entity as it was, then its removal; its mentions and
		// assertions below point to the entity kept already.
		g := &v.Removed[i]
		line(jsonLine(event{K: "entity", Entity: &g.Entity}))
		ec := coding.EntityChange{ID: g.Entity.ID, Remove: true}
		if g.Into != "" {
			ec = coding.EntityChange{ID: g.Into, Merge: []string{g.Entity.ID}}
		}
		line(jsonLine(event{K: "entity_change", Change: &coding.Change{ID: g.Change, By: g.By, At: g.At}, EntityChange: &ec}))
	}
	for i := range v.Assertions {
		for _, l := range assertionLines(v.Assertions[i]) {
			line(l)
		}
		if a := v.Assertions[i]; a.Retracted {
			line(jsonLine(event{K: "retract", ID: a.ID, Reason: a.Reason}))
		}
	}
	for i := range v.Memos {
		line(jsonLine(event{K: "memo", Memo: &v.Memos[i]}))
	}
	for i := range v.Codes {
		line(jsonLine(event{K: "code", Code: &v.Codes[i]}))
	}
	for _, u := range v.Users {
		line(userLine(u))
	}
	if v.Blind {
		line(blindLine(true))
	}
	for i := range v.SpeakerAliases {
		line(jsonLine(event{K: "alias", Alias: &v.SpeakerAliases[i]}))
	}
	if len(v.ExternalUsers)+len(v.CodingGUIDs) > 0 {
		line(jsonLine(event{K: "guids", GUIDs: &coding.ExternalIDs{Users: v.ExternalUsers, Codings: v.CodingGUIDs}}))
	}
	if len(v.Rejections) > 0 {
		line(jsonLine(event{K: "reject", Rejections: v.Rejections}))
	}
	for _, l := range s.rebuildQuotes(v, quote) {
		line(l)
	}
	for _, d := range docs {
		line(docLine(d.ID, d.Name))
		line(metaLine(d))
	}
	// The index of codings.log by document goes first: readers would
	// find it stale all the same (docindex.go), but need not look.
	if err := removeDocIndex(s.dir); err != nil {
		return err
	}
	for _, name := range []string{docsLog, quotesLog, codingsLog, recordsLog, codesLog} {
		if err := atomicfile.WriteFile(filepath.Join(s.dir, name), []byte(files[name].String())); err != nil {
			return err
		}
	}
	// The projection now holds what the graph holds: the graph's position
	// (the caller applies what the record holds beyond it).
	gpos, err := s.GraphPosition()
	if err != nil {
		return err
	}
	p, _, err := s.Position()
	if err != nil {
		return err
	}
	p.Position = gpos
	return s.writePosition(p)
}

// rebuildQuotes returns the quote lines of v's evidence, one for each span
// of each assertion in order (see Quotes): quoted by quote, or, without it
// or if it fails, as the old projection has them.
func (s *Store) rebuildQuotes(v *coding.View, quote QuoteFunc) []string {
	var spans []coding.Span
	for _, a := range v.Assertions {
		spans = append(spans, a.Evidence...)
	}
	var texts []string
	if quote != nil && len(spans) > 0 {
		if t, err := quote(spans); err == nil && len(t) == len(spans) {
			texts = t
		}
	}
	if texts == nil {
		old, err := LoadQuotes(s.dir)
		if err != nil {
			old = nil // a damaged log: quote nothing rather than wrongly
		}
		texts = make([]string, len(spans))
		for i, sp := range spans {
			texts[i] = old[sp]
		}
	}
	lines := make([]string, 0, len(spans))
	for i, sp := range spans {
		if texts[i] != "" {
			lines = append(lines, quoteLine(sp, texts[i]))
		}
	}
	return lines
}

// A QuoteFunc returns the texts of spans, in order: for each, the code
// points [Start, End) of the stored text of its document. kg keeps the
// texts of evidence spans in the projection, so that the commands that
// show evidence need not read the documents; the documents' texts are not
// in the graph, so the project passes kg a QuoteFunc to read them.
type QuoteFunc func(spans []coding.Span) ([]string, error)

// quoteLine is the projection's line for the text of an evidence span.
func quoteLine(s coding.Span, text string) string {
	return "Q\t" + s.Doc + "\t" + strconv.Itoa(s.Start) + "\t" + strconv.Itoa(s.End) + "\t" + escapeField(text)
}

// LoadQuotes returns the texts of the evidence spans that the projection
// in graphDir keeps (see AddAssertionsQuoted and RebuildProjectionQuoting).
// A projection written before quotes were kept lacks some or all of them,
// and a missing quotes.log is no error: the caller reads the texts it
// lacks from the documents.
func LoadQuotes(graphDir string) (map[coding.Span]string, error) {
	q, err := OpenQuotes(graphDir)
	if err != nil {
		return nil, err
	}
	if err := q.index(); err != nil {
		return nil, err
	}
	return q.byspan, nil
}

// Quotes reads the texts of evidence spans that a projection keeps. The
// log holds one line for each span of each assertion, in the order of the
// assertions and of their evidence, so that a reader that walks the
// assertions in order (as coding.Links quotes them) reads it in step, one
// line after the other, without an index; a reader that asks out of that
// order, or for a span the log lacks, gets an index of the whole log.
type Quotes struct {
	name   string
	log    string // the whole log
	next   int    // where the next line in step starts
	line   int    // its number
	byspan map[coding.Span]string
}

// OpenQuotes reads the quotes of the projection in graphDir (see
// LoadQuotes). It reports no error for a damaged log until Text or
// LoadQuotes meets the damage.
func OpenQuotes(graphDir string) (*Quotes, error) {
	name := filepath.Join(graphDir, quotesLog)
	lim, err := readLimits(graphDir)
	if err != nil {
		return nil, err
	}
	log, err := readLimitedString(name, lim) // the texts are substrings of it
	if errors.Is(err, fs.ErrNotExist) {
		log, err = "", nil
	}
	if err != nil {
		return nil, err
	}
	return &Quotes{name: name, log: log, line: 1}, nil
}

// Text returns the text that the projection keeps for evidence span s, and
// whether it keeps one; an error if the log is damaged.
func (q *Quotes) Text(s coding.Span) (string, bool, error) {
	if q.byspan == nil {
		// In step: the next line, or one further on if spans were
		// skipped (assertions left out by a filter).
		for at, line := q.next, q.line; at < len(q.log); line++ {
			l, _, _ := strings.Cut(q.log[at:], "\n")
			at += len(l) + 1
			if l == "" {
				continue
			}
			sp, text, err := parseQuoteLine(l)
			if err != nil {
				return "", false, fmt.Errorf("%s:%d: %w", q.name, line, err)
			}
			if sp == s {
				q.next, q.line = at, line+1
				return text, true, nil
			}
		}
		if err := q.index(); err != nil {
			return "", false, err
		}
	}
	text, ok := q.byspan[s]
	return text, ok, nil
}

// Each calls fn with each quote of the log, line by line (a span that
// several assertions share has a line for each), and returns the first
// error: of a damaged line, or fn's.
func (q *Quotes) Each(fn func(s coding.Span, text string) error) error {
	data := q.log
	for line := 1; data != ""; line++ {
		l, rest, _ := strings.Cut(data, "\n")
		data = rest
		if l == "" {
			continue
		}
		sp, text, err := parseQuoteLine(l)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", q.name, line, err)
		}
		if err := fn(sp, text); err != nil {
			return err
		}
	}
	return nil
}

// index reads the whole log into byspan.
func (q *Quotes) index() error {
	if q.byspan != nil {
		return nil
	}
	m := make(map[coding.Span]string, strings.Count(q.log, "\n"))
	if err := q.Each(func(s coding.Span, text string) error { m[s] = text; return nil }); err != nil {
		return err
	}
	q.byspan = m
	return nil
}

func parseQuoteLine(l string) (coding.Span, string, error) {
	rest, ok := strings.CutPrefix(l, "Q\t")
	doc, rest, ok1 := strings.Cut(rest, "\t")
	st, rest, ok2 := strings.Cut(rest, "\t")
	en, text, ok3 := strings.Cut(rest, "\t")
	start, err1 := strconv.Atoi(st)
	end, err2 := strconv.Atoi(en)
	if !ok || !ok1 || !ok2 || !ok3 || err1 != nil || err2 != nil || strings.Contains(text, "\t") {
		return coding.Span{}, "", fmt.Errorf("bad quote record %.40q", l)
	}
	return coding.Span{Doc: doc, Start: start, End: end}, unescapeField(text), nil
}
