package sql

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/disputedesk/disputedesk/storage"
)

// The search text of a case (cases.search) is, folded (storage.Fold) and
// space-separated with a space at each end: its reference, each field
// value as written, each field value's words tagged with the field's name
// ("customer:soren"), then search_notes, the folded notes and evidence
// references in the order they were added. A free-text word matches as a
// substring ('%word%'); a field filter's word as the start of a tagged
// word (' customer:sor'), with the word itself looked up in the index.
// Both are trigram-index reads (pg_trgm on
// PostgreSQL, FTS5 trigram on SQLite) for words of three characters or more.
const (
	// maxSearchNotes bounds search_notes: the notes after it are on the
	// timeline but not found, so that one chatty case does not bloat the
	// index.
	maxSearchNotes = 4000
	// maxSearchNote bounds what one note adds.
	maxSearchNote = 1000
)

// searchText is the part of c's search text that its row holds: reference
// and fields, to which search_notes is appended.
func searchText(c *storage.Case) string {
	head, tail := searchParts(c)
	return head + strconv.FormatInt(c.Ref.Number, 10) + tail
}

// searchParts is c's searchText before and after its number, for an
// insert that numbers the case in the same statement.
func searchParts(c *storage.Case) (head, tail string) {
	var b strings.Builder
	b.WriteString(" ")
	keys := slices.Sorted(maps.Keys(c.Fields))
	for _, k := range keys {
		if v := strings.Join(strings.Fields(storage.Fold(c.Fields[k])), " "); v != "" {
			b.WriteString(v + " ")
		}
	}
	for _, k := range keys {
		for _, w := range storage.FoldWords(c.Fields[k]) {
			b.WriteString(strings.ToLower(k) + ":" + w + " ")
		}
	}
	return " " + storage.Fold(c.Ref.Prefix) + "-", b.String()
}

// searchNote is what a note or an evidence reference adds to search_notes.
func searchNote(text string) string {
	s := strings.Join(strings.Fields(storage.Fold(text)), " ")
	if s == "" {
		return ""
	}
	if utf8.RuneCountInString(s) > maxSearchNote {
		s = string([]rune(s)[:maxSearchNote])
	}
	return s + " "
}

// searchedKinds are the events whose body is a note a user may search for.
var searchedKinds = map[storage.EventKind]bool{storage.EventNote: true, storage.EventClosed: true, storage.EventReopened: true}

// addSearchNote appends text to the search text of case caseID, in the
// transaction of the change that added it; nothing once the case's notes
// have filled maxSearchNotes.
func (t *Tx) addSearchNote(ctx context.Context, caseID int64, text string) error {
	const q = `UPDATE cases SET search_notes = search_notes || ?, search = search || ?
WHERE id = ? AND length(search_notes) < ?`
	note := searchNote(text)
	if note == "" {
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, t.tx.Rebind(q), note, note, caseID, maxSearchNotes); err != nil {
		return fmt.Errorf("search text: %w", err)
	}
	return nil
}

// findQuery is the WHERE clause (after "WHERE 1 = 1") of q and its
// arguments.
func (s *Store) findQuery(q storage.CaseQuery) (string, []any, error) {
	cond, args, err := scopeWhere(q.Scope, "")
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString(cond)
	add := func(c string, a ...any) { b.WriteString(c); args = append(args, a...) }
	if q.Status != "" {
		add(` AND status = ?`, string(q.Status))
	}
	if q.Playbook != "" {
		add(` AND playbook = ?`, q.Playbook)
	}
	if q.Assignee != "" {
		add(` AND assignee = ?`, q.Assignee)
	}
	if q.Mine != "" {
		add(` AND (assignee = ? OR (assignee = '' AND opened_by = ?))`, q.Mine, q.Mine)
	}
	if !q.Since.IsZero() {
		add(` AND opened_at >= ?`, utc(q.Since))
	}
	// words are what the search text must contain, through the index;
	// tags are the field filters' "key:word", checked on the rows the
	// words found. A tag is never an index condition: its key's trigrams
	// ("cus", "ust"... of customer) are in almost every case, and
	// intersecting their posting lists cost 90 ms at a million cases.
	var words, tags []string
	for _, w := range strings.Fields(storage.Fold(q.Text)) {
		if w = strings.TrimLeft(w, "#"); w != "" {
			words = append(words, w)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(q.Fields)) {
		for _, w := range storage.FoldWords(q.Fields[k]) {
			words = append(words, w)
			tags = append(tags, " "+strings.ToLower(k)+":"+w)
		}
	}
	var phrases []string
	for _, w := range words {
		add(` AND search LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(w)+"%")
		if utf8.RuneCountInString(w) >= 3 {
			phrases = append(phrases, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		}
	}
	for _, t := range tags {
		add(s.d.contains, t)
	}
	if s.d.searchMatch != "" && len(phrases) > 0 {
		add(s.d.searchMatch, strings.Join(phrases, " AND "))
	}
	return b.String(), args, nil
}

// FindCases lists the cases matching q, newest first (by opened_at, then
// id), at most q.Limit (20 when not positive), and how many match,
// counted up to storage.MaxFindCount, with a second query only when
// there are more than the limit.
func (s *Store) FindCases(ctx context.Context, q storage.CaseQuery) ([]storage.Case, int, error) {
	const (
		selectFound = `SELECT ` + caseColumns + ` FROM cases WHERE 1 = 1`
		countFound  = `SELECT COUNT(*) FROM (SELECT 1 FROM cases WHERE 1 = 1%s LIMIT ?) AS found`
	)
	if q.Limit <= 0 {
		q.Limit = 20
	}
	cond, args, err := s.findQuery(q)
	if err != nil {
		return nil, 0, fmt.Errorf("find cases: %w", err)
	}
	cases, err := s.selectCases(ctx, selectFound+cond+` ORDER BY opened_at DESC, id DESC LIMIT ?`, append(args, q.Limit+1)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find cases: %w", err)
	}
	if len(cases) <= q.Limit {
		return cases, len(cases), nil
	}
	var n int
	if err := s.db.GetContext(ctx, &n, s.db.Rebind(fmt.Sprintf(countFound, cond)), append(args, storage.MaxFindCount)...); err != nil {
		return nil, 0, fmt.Errorf("find cases: count: %w", err)
	}
	return cases[:q.Limit], n, nil
}

// fillSearch builds the search text of the cases that have none: those
// written before migration 00011, which SQL alone cannot fold as Go does.
// It runs after Migrate's goose steps, a batch a transaction; it finds
// them through cases_search_missing_idx, so once done it costs one empty
// index read.
func (s *Store) fillSearch(ctx context.Context) (int, error) {
	const batch = 500
	filled := 0
	for {
		n, err := s.fillSearchBatch(ctx, batch)
		filled += n
		if err != nil || n < batch {
			return filled, err
		}
	}
}

// fillSearchBatch fills in the search text of up to batch cases that
// have none, in one transaction, and says how many.
func (s *Store) fillSearchBatch(ctx context.Context, batch int) (int, error) {
	const (
		missing = `SELECT ` + caseColumns + ` FROM cases WHERE search = '' ORDER BY id LIMIT ?`
		notes   = `SELECT body FROM case_events WHERE case_id = ? AND kind IN (?, ?, ?) ORDER BY at, id`
		refs    = `SELECT ref || ' ' || note FROM case_evidence WHERE case_id = ? ORDER BY at, id`
		set     = `UPDATE cases SET search = ?, search_notes = ? WHERE id = ?`
	)
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var rows []caseRow
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(missing), batch); err != nil {
		return 0, err
	}
	for i := range rows {
		c, err := rows[i].toCase()
		if err != nil {
			return 0, err
		}
		var texts, evidence []string
		if err := tx.SelectContext(ctx, &texts, tx.Rebind(notes), c.ID, storage.EventNote, storage.EventClosed, storage.EventReopened); err != nil {
			return 0, err
		}
		if err := tx.SelectContext(ctx, &evidence, tx.Rebind(refs), c.ID); err != nil {
			return 0, err
		}
		var n string
		for _, t := range append(texts, evidence...) {
			if len(n) < maxSearchNotes {
				n += searchNote(t)
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(set), searchText(&c)+n, n, c.ID); err != nil {
			return 0, err
		}
	}
	return len(rows), tx.Commit()
}
