package prompts

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestLangData checks that every language has its data files and that
// they load: langData panics otherwise.
func TestLangData(t *testing.T) {
	for _, lang := range Languages {
		for _, dir := range []string{"data/lint", "data/mask"} {
			if _, err := fs.Stat(dataFiles, dir+"/"+lang+".yaml"); err != nil {
				t.Errorf("%s has no %s file: %v", lang, dir, err)
			}
		}
	}
	d, err := loadLangData(dataFiles, Languages)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		if d.lint[lang] == nil {
			t.Errorf("no lint phrases for %s", lang)
		}
	}
	if len(d.grammar.units) == 0 || len(d.grammar.months) == 0 || len(d.mask.labels) == 0 {
		t.Errorf("the grammar or the masker's words are empty: %+v", d)
	}
}

// dataCopy returns the embedded data files as a MapFS to edit.
func dataCopy(t testing.TB) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(dataFiles, "data", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(dataFiles, path)
		m[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestLangDataAddLanguage shows how a language is added: its two files,
// here a copy of English as "xx", and its tag in the languages.
func TestLangDataAddLanguage(t *testing.T) {
	fsys := dataCopy(t)
	fsys["data/lint/xx.yaml"] = fsys["data/lint/en.yaml"]
	fsys["data/mask/xx.yaml"] = fsys["data/mask/en.yaml"]
	if _, err := loadLangData(fsys, Languages); err == nil || !strings.Contains(err.Error(), "xx.yaml") {
		t.Errorf("files of a language not in Languages: got %v, want an error naming them", err)
	}
	d, err := loadLangData(fsys, append(slices.Clone(Languages), "xx"))
	if err != nil {
		t.Fatal(err)
	}
	if d.lint["xx"] == nil || d.lint["xx"].Apology[0] != d.lint["en"].Apology[0] {
		t.Errorf("xx has phrases %+v, want English's", d.lint["xx"])
	}
}

// TestLangDataErrors checks that a broken file fails loudly, naming itself.
func TestLangDataErrors(t *testing.T) {
	// replace edits a file with a regexp, which must match.
	replace := func(file, pattern, repl string) func(fstest.MapFS) {
		return func(m fstest.MapFS) {
			re := regexp.MustCompile(pattern)
			if !re.Match(m[file].Data) {
				panic(file + " has no " + pattern)
			}
			m[file] = &fstest.MapFile{Data: re.ReplaceAll(m[file].Data, []byte(repl))}
		}
	}
	tests := []struct {
		name string
		edit func(fstest.MapFS)
		want string
	}{
		{"missing lint file", func(m fstest.MapFS) { delete(m, "data/lint/da.yaml") }, "data/lint/da.yaml"},
		{"missing mask file", func(m fstest.MapFS) { delete(m, "data/mask/sv.yaml") }, "data/mask/sv.yaml"},
		{"empty file", replace("data/mask/de.yaml", `(?s).*`, ""), "data/mask/de.yaml: empty file"},
		{"not YAML", replace("data/lint/nb.yaml", `apology:`, "apology: ["), "data/lint/nb.yaml"},
		{"misspelt key", replace("data/lint/en.yaml", "blame_except:", "blame_excepts:"), "blame_excepts"},
		{"empty list", replace("data/lint/en.yaml", `apology:\n(  - .*\n)+`, ""), "data/lint/en.yaml: apology is empty"},
		{"upper case", replace("data/lint/de.yaml", `- "entschuldig\*"`, `- "Entschuldig*"`), `"Entschuldig*" is not`},
		{"upper-case label", replace("data/mask/en.yaml", "- order", "- Order"), `data/mask/en.yaml: "Order" is not`},
		{"unknown promise", replace("data/lint/sv.yaml", "promise:", "promise:\n  cash: [pengar]"), `promise "cash"`},
		{"unknown unit", replace("data/lint/en.yaml", "hour: hour", "hour: fortnight"), `unit "fortnight"`},
		{"bad month", replace("data/lint/en.yaml", "may: 5", "may: 13"), `month "may" is 13`},
		{"conflicting number", replace("data/lint/sv.yaml", "tre: 3", "tre: 30"), `numbers "tre" is 30, but 3 elsewhere`},
		{"conflicting unit", replace("data/lint/da.yaml", "time: hour", "time: day"), `units "time" is day, but hour elsewhere`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := dataCopy(t)
			tt.edit(fsys)
			if _, err := loadLangData(fsys, Languages); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}
