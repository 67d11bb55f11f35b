package project

import (
	"github.com/qualgraph/qualgraph/coding"
	"github.com/qualgraph/qualgraph/internal/pgstore"
)

// claims returns the unique keys that ev takes: the ids of the entities
// and emergent codes it adds and the text hashes of the documents it
// imports. A database refuses an entry that claims a key already claimed
// (by this process or another server); the record file needs no claims,
// since its one writer validates under the project's lock.
func claims(ev *coding.Event) []pgstore.Key {
	var keys []pgstore.Key
	var add func(ev *coding.Event)
	add = func(ev *coding.Event) {
		for _, d := range ev.Documents {
			if d.Source.TextSHA != "" {
				keys = append(keys, pgstore.Key{Kind: "doc-sha256", Key: d.Source.TextSHA})
			}
		}
		for _, e := range ev.Entities {
			keys = append(keys, pgstore.Key{Kind: "entity", Key: e.ID})
		}
		if ev.Code != nil {
			keys = append(keys, pgstore.Key{Kind: "code", Key: ev.Code.ID})
		}
		for _, st := range ev.Steps {
			add(st)
		}
	}
	add(ev)
	return keys
}
